import { Router } from 'express';
import type { ApiDeps } from '../app.js';

/** Mounts every resource router; each lives in its own file. */
export function apiRoutes(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}

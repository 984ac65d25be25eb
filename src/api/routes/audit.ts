import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parseQuery } from '../validate.js';
import { INT4_MAX, integerText } from './fields.js';
import { requireInstallation } from './lookups.js';

export const auditQuery = z.strictObject({ limit: integerText(1, 500, 100), offset: integerText(0, INT4_MAX, 0) });

/** An installation's configuration history, newest first; owners only (it names members and tokens). */
export function auditRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/installations/:id/audit', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id, 'owner');
    const { limit, offset } = parseQuery(auditQuery, req.query);
    res.json({ items: await deps.store.audit.list(installation.id, limit, offset), limit, offset });
  });

  return router;
}

import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { TokenCheck } from './adminToken.js';
import { requireAdminBearer } from './auth.js';

/**
 * Prometheus text at GET /metrics. Behind the API's bearer token: decision counts by installation
 * traffic and reason say how busy a site is and how often its provider fails.
 */
export function metricsRoutes(deps: { tokens: TokenCheck; metrics: Registry }): Router {
  const router = Router();
  router.get('/metrics', requireAdminBearer(deps.tokens), async (_req, res, next) => {
    try {
      const text = await deps.metrics.metrics();
      res.type(deps.metrics.contentType).send(text);
    } catch (err) {
      next(err);
    }
  });
  return router;
}

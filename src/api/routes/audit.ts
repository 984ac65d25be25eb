import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parseQuery } from '../validate.js';
import { INT4_MAX, integerText } from './fields.js';
import { requireInstallation } from './lookups.js';

export const auditQuery = z.strictObject({
  limit: integerText(1, 500, 100),
  offset: integerText(0, INT4_MAX, 0),
  /** Only entries about this target, e.g. a charger id (its commands). */
  target: z.string().min(1).max(255).optional(),
  /** Only entries of this action, e.g. charger.command. */
  action: z.string().min(1).max(100).optional(),
});

/** An installation's configuration history, newest first; owners only (it names members and tokens). */
export function auditRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/installations/:id/audit', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id, 'owner');
    const { limit, offset, target, action } = parseQuery(auditQuery, req.query);
    res.json({ items: await deps.store.auditLog.list(installation.id, limit, offset, { target, action }), limit, offset });
  });

  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parseBody } from '../validate.js';
import { requireInstallation } from './lookups.js';
import { DEFAULT_ORDER, SOURCE_NAMES } from '../../authorization/sources.js';

export const sourcesBody = z.strictObject({
  sources: z
    .array(z.enum(SOURCE_NAMES, { error: `must be one of ${SOURCE_NAMES.join(', ')}` }))
    .min(1, 'must name at least one source')
    .refine((s) => new Set(s).size === s.length, 'must name each source once')
    .nullable(),
});

/** Who decides for an installation, in which order: its own id tags, the webhook provider, OCPI partners. */
export function authorizationSourceRoutes(deps: ApiDeps): Router {
  const router = Router();
  const path = '/installations/:id/authorization-sources';

  router.get(path, async (req, res) => {
    const installation = await requireInstallation(deps, req, String(req.params.id));
    const chosen = await deps.store.authSources.get(installation.id);
    res.json({ sources: chosen ?? DEFAULT_ORDER, chosen: chosen !== null });
  });

  // null goes back to the default order.
  router.put(path, async (req, res) => {
    const installation = await requireInstallation(deps, req, String(req.params.id), 'owner');
    const { sources } = parseBody(sourcesBody, req.body);
    await deps.store.authSources.set(installation.id, sources);
    deps.hooks.authorizationSourcesChanged(installation.id);
    res.json({ sources: sources ?? DEFAULT_ORDER, chosen: sources !== null });
  });
  return router;
}

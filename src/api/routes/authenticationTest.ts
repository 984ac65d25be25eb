import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { idTagField } from './fields.js';
import { requireInstallation } from './lookups.js';
import { requireFreshSecondFactor } from '../scope.js';

export const authenticationTestBody = z.strictObject({ idTag: idTagField });

export function authenticationTestRoutes(deps: ApiDeps): Router {
  const router = Router();

  // The portal's Test button: calls the provider with the stored settings; starts nothing.
  router.post('/installations/:id/authentication/test', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    // It calls the provider with the stored credentials: the Authentication section's rule.
    requireFreshSecondFactor(req);
    const { idTag } = parseBody(authenticationTestBody, req.body);
    const settings = await deps.store.installations.providerSettings(installation.id);
    if (!settings) throw notFound('Installation'); // deleted meanwhile
    res.json(await deps.authenticationTest(settings, idTag));
  });

  return router;
}

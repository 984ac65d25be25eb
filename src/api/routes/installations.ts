import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../app.js';
import { notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { installationNameField } from './fields.js';
import { disconnect, requireInstallation } from './lookups.js';

/** Only native authorization exists so far; 'webhook' joins the enum when the provider path does. */
const authModeField = z.enum(['native']);

export const createInstallationBody = z.strictObject({
  name: installationNameField,
  authMode: authModeField.optional(),
});

export const updateInstallationBody = z
  .strictObject({
    name: installationNameField.optional(),
    authMode: authModeField.optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), 'must contain at least one field')
  .meta({ minProperties: 1 }); // the refine, as the OpenAPI document can say it

export function installationRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { installations, chargers } = deps.store;

  router.post('/installations', async (req, res) => {
    const input = parseBody(createInstallationBody, req.body);
    const installation = await installations.create(input);
    res.status(201).location(`/api/installations/${installation.id}`).json(installation);
  });

  router.get('/installations', async (_req, res) => {
    res.json({ items: await installations.list() });
  });

  router.get('/installations/:id', async (req, res) => {
    res.json(await requireInstallation(deps, req.params.id));
  });

  router.patch('/installations/:id', async (req, res) => {
    await requireInstallation(deps, req.params.id);
    const patch = parseBody(updateInstallationBody, req.body);
    const updated = await installations.update(req.params.id, patch);
    if (!updated) throw notFound('Installation'); // deleted between the two calls
    res.json(updated);
  });

  // Chargers and id tags go with it (cascade); transactions stay as history.
  router.delete('/installations/:id', async (req, res) => {
    await requireInstallation(deps, req.params.id);
    const members = await chargers.listByInstallation(req.params.id);
    if (!(await installations.remove(req.params.id))) throw notFound('Installation');
    for (const charger of members) disconnect(deps, charger.id, 'Installation removed');
    res.status(204).end();
  });

  return router;
}

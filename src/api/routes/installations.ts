import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../app.js';
import { ApiError, notFound } from '../errors.js';
import { envelope } from '../../notifications/record.js';
import { securityProfileField } from './chargerSecurity.js';
import type { Installation } from '../../store/installations.js';
import { parseBody } from '../validate.js';
import { requireOutboundUrls } from '../outboundUrls.js';
import { installationNameField } from './fields.js';
import { disconnect, requireInstallation } from './lookups.js';

const authModeField = z.enum(['native', 'webhook']);

/** Absolute http(s) only: the gateway posts to it and follows no redirect. */
const webhookUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http or https URL');

/** The five settings of webhook authentication, plus the mode and the call deadline. */
export const authenticationBody = z.strictObject({
  mode: authModeField.optional(),
  authUrl: webhookUrl.nullable().optional(),
  authPayload: z.string().max(4096, 'must be at most 4096 characters').nullable().optional(),
  sessionStartUrl: webhookUrl.nullable().optional(),
  sessionEndUrl: webhookUrl.nullable().optional(),
  offlineAllow: z.boolean().optional(),
  timeoutMs: z.number().int('must be a whole number').min(100, 'must be at least 100').max(10_000, 'must be at most 10000 (a charger is waiting)').optional(),
});

export const createInstallationBody = z.strictObject({
  name: installationNameField,
  authMode: authModeField.optional(),
  securityProfile: securityProfileField.optional(),
  authentication: authenticationBody.optional(),
});

export const updateInstallationBody = z
  .strictObject({
    name: installationNameField.optional(),
    authMode: authModeField.optional(),
    securityProfile: securityProfileField.optional(),
    authentication: authenticationBody.optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), 'must contain at least one field')
  .meta({ minProperties: 1 }); // the refine, as the OpenAPI document can say it

/** `authMode` at the top is a short form of `authentication.mode`; both must agree when both are given. */
function withMode<T extends { authMode?: 'native' | 'webhook'; authentication?: z.infer<typeof authenticationBody> }>(input: T): T {
  const inner = input.authentication?.mode;
  if (input.authMode && inner && input.authMode !== inner) {
    throw new ApiError('VALIDATION_FAILED', 'authMode and authentication.mode disagree', [
      { field: 'authentication.mode', message: `disagrees with authMode "${input.authMode}"` },
    ]);
  }
  const mode = inner ?? input.authMode;
  if (!mode) return input;
  return { ...input, authMode: mode, authentication: { ...input.authentication, mode } };
}

/** The three URLs the gateway will call, under the names the API reports them by. */
function authenticationUrls(a: z.infer<typeof authenticationBody> | undefined) {
  return { 'authentication.authUrl': a?.authUrl, 'authentication.sessionStartUrl': a?.sessionStartUrl, 'authentication.sessionEndUrl': a?.sessionEndUrl };
}

/** Names and modes only: credentials never travel in events. */
function installationChanged(change: 'created' | 'updated' | 'deleted', i: Installation) {
  return envelope('installation.changed', i.id, undefined, {
    change,
    name: i.name,
    authMode: i.authMode,
    offlineAllow: i.authentication.offlineAllow,
  });
}

export function installationRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { installations, chargers } = deps.store;

  router.post('/installations', async (req, res) => {
    const input = withMode(parseBody(createInstallationBody, req.body));
    await requireOutboundUrls(deps.outbound, authenticationUrls(input.authentication));
    // A new installation can only interest subscriptions to all installations.
    const installation = await deps.events.withEvents(deps.store, ['installation.changed'], '', (tx) => tx.installations.create(input), (i) => [
      installationChanged('created', i),
    ]);
    res.status(201).location(`/api/installations/${installation.id}`).json(installation);
  });

  router.get('/installations', async (_req, res) => {
    res.json({ items: await installations.list() });
  });

  router.get('/installations/:id', async (req, res) => {
    res.json(await requireInstallation(deps, req.params.id));
  });

  router.patch('/installations/:id', async (req, res) => {
    const before = await requireInstallation(deps, req.params.id);
    const patch = withMode(parseBody(updateInstallationBody, req.body));
    await requireOutboundUrls(deps.outbound, authenticationUrls(patch.authentication));
    const updated = await deps.events.withEvents(deps.store, ['installation.changed'], before.id, (tx) => tx.installations.update(before.id, patch), (i) =>
      i ? [installationChanged('updated', i)] : [],
    );
    if (!updated) throw notFound('Installation'); // deleted between the two calls
    if (patch.authentication) deps.hooks.authenticationChanged(before, updated);
    res.json(updated);
  });

  // Chargers and id tags go with it (cascade); transactions stay as history.
  router.delete('/installations/:id', async (req, res) => {
    const installation = await requireInstallation(deps, req.params.id);
    const members = await chargers.listByInstallation(req.params.id);
    const removed = await deps.events.withEvents(deps.store, ['installation.changed'], installation.id, (tx) => tx.installations.remove(installation.id), (ok) =>
      ok ? [installationChanged('deleted', installation)] : [],
    );
    if (!removed) throw notFound('Installation');
    deps.hooks.idTagsChanged(req.params.id);
    for (const charger of members) disconnect(deps, charger.id, 'Installation removed');
    res.status(204).end();
  });

  return router;
}

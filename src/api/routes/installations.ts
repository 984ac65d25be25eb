import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { envelope } from '../../notifications/record.js';
import { securityProfileField } from './chargerSecurity.js';
import { LOCAL_LIST_MODES, MAX_RECENT_DAYS, PROVIDER_MODE, type AuthMode, type Installation } from '../../store/installations.js';
import { maskPayload } from '../maskPayload.js';
import { parseBody } from '../validate.js';
import { requireOutboundUrls } from '../outboundUrls.js';
import { installationNameField } from './fields.js';
import { disconnect, requireInstallation } from './lookups.js';
import { requireAdmin, requireFreshSecondFactor, secretsUnlocked, visibleInstallations } from '../scope.js';
import { auditEntry, changesBetween, secretFieldsIn } from '../audit.js';
import { requireSecretsForNewDestinations, type SecretDestinations } from '../secretDestinations.js';

const authModeField = z.enum(['native', PROVIDER_MODE]);

/** Absolute http(s) only: the gateway posts to it and follows no redirect. */
const providerUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http or https URL');

/** The five settings of provider authentication, plus the mode and the call deadline. */
export const authenticationBody = z.strictObject({
  mode: authModeField.optional(),
  authUrl: providerUrl.nullable().optional(),
  authPayload: z.string().max(4096, 'must be at most 4096 characters').nullable().optional(),
  sessionStartUrl: providerUrl.nullable().optional(),
  sessionEndUrl: providerUrl.nullable().optional(),
  offlineAllow: z.boolean().optional(),
  timeoutMs: z.number().int('must be a whole number').min(100, 'must be at least 100').max(10_000, 'must be at most 10000 (a charger is waiting)').optional(),
});

/** What the chargers' Local Authorization Lists hold; recentDays counts for native+recent. */
export const localListBody = z.strictObject({
  mode: z.enum(LOCAL_LIST_MODES).optional(),
  recentDays: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_RECENT_DAYS, `must be at most ${MAX_RECENT_DAYS}`).optional(),
});

export const createInstallationBody = z.strictObject({
  name: installationNameField,
  authMode: authModeField.optional(),
  securityProfile: securityProfileField.optional(),
  authentication: authenticationBody.optional(),
  localList: localListBody.optional(),
});

export const updateInstallationBody = z
  .strictObject({
    name: installationNameField.optional(),
    authMode: authModeField.optional(),
    securityProfile: securityProfileField.optional(),
    /** Owners only: members without TOTP are refused everything of it until they enrol. */
    requireSecondFactor: z.boolean().optional(),
    authentication: authenticationBody.optional(),
    localList: localListBody.optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), 'must contain at least one field')
  .meta({ minProperties: 1 }); // the refine, as the OpenAPI document can say it

/** `authMode` at the top is a short form of `authentication.mode`; both must agree when both are given. */
function withMode<T extends { authMode?: AuthMode; authentication?: z.infer<typeof authenticationBody> }>(input: T): T {
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

type AuthenticationPatch = z.infer<typeof authenticationBody> | undefined;

/** The three URLs the gateway will call: each gets the payload, or the token or Basic header made from it. */
const URL_FIELDS = ['authUrl', 'sessionStartUrl', 'sessionEndUrl'] as const;

/** The three URLs under the names the API reports them by. */
function authenticationUrls(a: AuthenticationPatch) {
  return Object.fromEntries(URL_FIELDS.map((f) => [`authentication.${f}`, a?.[f]]));
}

function payloadDestinations(before: Installation, a: AuthenticationPatch): SecretDestinations {
  return {
    secret: 'authentication.authPayload',
    stored: before.authentication.authPayload !== null,
    given: a?.authPayload !== undefined,
    destinations: Object.fromEntries(URL_FIELDS.map((f) => [`authentication.${f}`, { before: before.authentication[f], after: a?.[f] }])),
  };
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

/**
 * A portal session sees an installation's authentication only with a fresh second factor;
 * otherwise it is withheld and flagged, so the portal knows to ask for a code. The payload is always masked.
 */
export function installationView(req: Request, i: Installation): Installation | (Omit<Installation, 'authentication'> & { authentication: null; authenticationLocked: true }) {
  if (!secretsUnlocked(req)) return { ...i, authentication: null, authenticationLocked: true };
  const { authPayload } = i.authentication;
  return { ...i, authentication: { ...i.authentication, authPayload: authPayload === null ? null : maskPayload(authPayload) } };
}

/** Renaming, requiring a second factor and deleting are the owner's; the rest is service work. */
const OWNER_FIELDS = ['name', 'requireSecondFactor'] as const;

export function installationRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { installations, chargers } = deps.store;

  // Only operator admins create installations; they then add owners as members.
  router.post('/installations', async (req, res) => {
    requireAdmin(req);
    const input = withMode(parseBody(createInstallationBody, req.body));
    await requireOutboundUrls(deps.outbound, authenticationUrls(input.authentication));
    const installation = await deps.store.transact(async (tx) => {
      const created = await tx.installations.create(input);
      const changes = changesBetween(undefined, created, secretFieldsIn(input));
      await tx.audit(auditEntry(req, { installationId: created.id, action: 'installation.created', target: created.name, changes }));
      tx.emit(installationChanged('created', created));
      return created;
    });
    res.status(201).location(`/api/installations/${installation.id}`).json(installationView(req, installation));
  });

  router.get('/installations', async (req, res) => {
    const visible = visibleInstallations(req);
    const items = (await installations.list()).filter((i) => !visible || visible.has(i.id));
    res.json({ items: items.map((i) => installationView(req, i)) });
  });

  router.get('/installations/:id', async (req, res) => {
    res.json(installationView(req, await requireInstallation(deps, req, req.params.id)));
  });

  router.patch('/installations/:id', async (req, res) => {
    const patch = withMode(parseBody(updateInstallationBody, req.body));
    const before = await requireInstallation(deps, req, req.params.id, OWNER_FIELDS.some((f) => patch[f] !== undefined) ? 'owner' : 'service');
    if (patch.authentication) requireFreshSecondFactor(req);
    requireSecretsForNewDestinations(payloadDestinations(before, patch.authentication));
    await requireOutboundUrls(deps.outbound, authenticationUrls(patch.authentication));
    const updated = await deps.store.transact(async (tx) => {
      const after = await tx.installations.update(before.id, patch);
      if (!after) return undefined;
      const changes = changesBetween(before, after, secretFieldsIn(patch));
      await tx.audit(auditEntry(req, { installationId: before.id, action: 'installation.updated', target: after.name, changes }));
      tx.emit(installationChanged('updated', after));
      return after;
    });
    if (!updated) throw notFound('Installation'); // deleted between the two calls
    if (patch.authentication) deps.hooks.authenticationChanged(before, updated);
    if (patch.localList) deps.hooks.localListChanged(before, updated);
    res.json(installationView(req, updated));
  });

  // Chargers and id tags go with it (cascade); transactions stay as history.
  router.delete('/installations/:id', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id, 'owner');
    const members = await chargers.listByInstallation(req.params.id);
    const removed = await deps.store.transact(async (tx) => {
      const ok = await tx.installations.remove(installation.id);
      if (!ok) return false;
      await tx.audit(auditEntry(req, { installationId: installation.id, action: 'installation.deleted', target: installation.name }));
      tx.emit(installationChanged('deleted', installation));
      return true;
    });
    if (!removed) throw notFound('Installation');
    deps.hooks.idTagsChanged(req.params.id);
    for (const charger of members) disconnect(deps, charger.id, 'Installation removed');
    res.status(204).end();
  });

  return router;
}

import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody, parseQuery } from '../validate.js';
import { requireOutboundUrls } from '../outboundUrls.js';
import { chargerIdField, installationIdField, integerText, isPlausiblePathId } from './fields.js';
import { EVENT_TYPES, type EventType } from '../../notifications/catalogue.js';
import { generateSecret } from '../../notifications/signing.js';
import type { Subscription, SubscriptionInput } from '../../store/subscriptions.js';
import { checkInstallation, mayAct, requireFreshSecondFactor, visibleInstallations } from '../scope.js';
import { callerOf } from '../caller.js';
import { auditEntry, changesBetween, secretFieldsIn } from '../audit.js';
import { requireSecretsForNewDestinations, type SecretDestinations } from '../secretDestinations.js';

const eventName = z.enum(['*', ...EVENT_TYPES] as [string, ...string[]], { error: `must be "*" or one of ${EVENT_TYPES.join(', ')}` });
const httpUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http or https URL');
const regex = z
  .string()
  .max(200, 'must be at most 200 characters')
  .refine((v) => {
    try {
      new RegExp(v);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression');
const broker = z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port');

const kafkaBody = z.strictObject({
  brokers: z.array(broker).min(1, 'must name at least one broker'),
  topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a valid Kafka topic name'),
  securityProtocol: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'),
  saslMechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).nullable().optional(),
  username: z.string().max(255).nullable().optional(),
  password: z.string().max(1024).nullable().optional(),
});

const fields = {
  installationId: installationIdField.nullable().optional(),
  label: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  kind: z.enum(['webhook', 'kafka']),
  url: httpUrl.nullable(),
  urlMode: z.enum(['fixed', 'base']),
  events: z.array(eventName).min(1, 'must name at least one event, or "*"'),
  enabled: z.boolean(),
  subscriptionId: z.string().max(200, 'must be at most 200 characters').nullable(),
  authentication: z.strictObject({
    kind: z.enum(['none', 'basic']),
    username: z.string().max(255).nullable().optional(),
    password: z.string().max(1024).nullable().optional(),
  }),
  signature: z.enum(['none', 'hmac-sha256', 'standard-webhooks']),
  secret: z.string().min(16, 'must be at least 16 characters').max(200, 'must be at most 200 characters'),
  filter: z.strictObject({ idTagPattern: regex.optional(), chargers: z.array(chargerIdField).max(1000).optional() }),
  blocking: z.array(eventName),
  blockingTimeoutMs: z.number().int().min(100, 'must be at least 100').max(10_000, 'must be at most 10000'),
  timeoutMs: z.number().int().min(100, 'must be at least 100').max(60_000, 'must be at most 60000'),
  verify: z.boolean(),
  kafka: kafkaBody.nullable(),
};

export const createSubscriptionBody = z
  .strictObject({
    ...fields,
    kind: fields.kind.default('webhook'),
    url: fields.url.optional(),
    urlMode: fields.urlMode.default('fixed'),
    enabled: fields.enabled.default(true),
    subscriptionId: fields.subscriptionId.optional(),
    authentication: fields.authentication.default({ kind: 'none' }),
    signature: fields.signature.default('hmac-sha256'),
    secret: fields.secret.optional(),
    filter: fields.filter.default({}),
    blocking: fields.blocking.default([]),
    blockingTimeoutMs: fields.blockingTimeoutMs.default(2000),
    timeoutMs: fields.timeoutMs.default(10_000),
    verify: fields.verify.default(false),
    kafka: fields.kafka.optional(),
  })
  .superRefine(requireTarget);

export const updateSubscriptionBody = z
  .strictObject(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, (v as z.ZodType).optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'must contain at least one field')
  .meta({ minProperties: 1 });

function requireTarget(s: { kind?: string; url?: string | null; kafka?: unknown; authentication?: { kind: string; username?: string | null } }, ctx: z.RefinementCtx) {
  if (s.kind === 'webhook' && !s.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required for a webhook subscription' });
  if (s.kind === 'kafka' && !s.kafka) ctx.addIssue({ code: 'custom', path: ['kafka'], message: 'is required for a kafka subscription' });
  if (s.authentication?.kind === 'basic' && !s.authentication.username) {
    ctx.addIssue({ code: 'custom', path: ['authentication', 'username'], message: 'is required with basic authentication' });
  }
}

const redeliverBody = z.strictObject({ eventId: z.uuid('must be an event id (UUID)') });
const time = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone' });
const replayBody = z
  .strictObject({ from: time, to: time })
  .refine((w) => Date.parse(w.from) <= Date.parse(w.to), { path: ['to'], message: 'must not be before from' });
const eventType = z.enum(EVENT_TYPES as [string, ...string[]], { error: `must be one of ${EVENT_TYPES.join(', ')}` });
export const deliveriesQuery = z.strictObject({
  limit: integerText(1, 500, 100),
  before: integerText(1, 2_147_483_647, 2_147_483_647).optional(),
  status: z.enum(['delivered', 'failed'], { error: 'must be delivered or failed' }).optional(),
  eventType: eventType.optional(),
});
export const retryFailedBody = z.strictObject({ since: time });
export const testBody = z.strictObject({ eventType: eventType.optional() });
/** The old secret signs beside the new one for this long unless told otherwise (as Svix does). */
const DEFAULT_OVERLAP_HOURS = 24;
export const secretBody = z.strictObject({
  secret: fields.secret.optional(),
  overlapHours: z.number().int().min(0, 'must be at least 0').max(168, 'must be at most 168 (7 days)').default(DEFAULT_OVERLAP_HOURS),
});

type CreateBody = z.infer<typeof createSubscriptionBody>;

function toInput(b: CreateBody, secret: string): SubscriptionInput {
  return {
    installationId: b.installationId ?? null,
    label: b.label,
    kind: b.kind,
    url: b.url ?? null,
    urlMode: b.urlMode,
    events: b.events,
    enabled: b.enabled,
    subscriptionId: b.subscriptionId ?? null,
    authentication: { kind: b.authentication.kind, username: b.authentication.username ?? null, password: b.authentication.password ?? null },
    signature: b.signature,
    secret,
    filter: b.filter,
    blocking: b.blocking,
    blockingTimeoutMs: b.blockingTimeoutMs,
    timeoutMs: b.timeoutMs,
    verify: b.verify,
    kafka: b.kafka
      ? { ...b.kafka, saslMechanism: b.kafka.saslMechanism ?? null, username: b.kafka.username ?? null, password: b.kafka.password ?? null }
      : null,
  };
}

/** The Basic password goes to the URL, the SASL password to the brokers. */
function secretDestinations(before: Subscription, patch: z.infer<typeof updateSubscriptionBody>): SecretDestinations[] {
  return [
    {
      secret: 'authentication.password',
      stored: before.authentication.passwordSet,
      given: patch.authentication?.password !== undefined,
      destinations: { url: { before: before.url, after: patch.url } },
    },
    {
      secret: 'kafka.password',
      stored: before.kafka?.passwordSet === true,
      given: patch.kafka?.password !== undefined,
      destinations: { 'kafka.brokers': { before: before.kafka?.brokers, after: patch.kafka?.brokers } },
    },
  ];
}

/** Kafka brokers are outbound targets too; checked at save time like URLs (the Kafka client connects by itself). */
function brokerUrls(brokers: string[] | undefined): Record<string, string> {
  return Object.fromEntries((brokers ?? []).map((b, i) => [`kafka.brokers.${i}`, `http://${b}`]));
}

export function subscriptionRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { subscriptions } = deps.store;

  // Subscriptions hold signing keys and receivers' credentials: a portal session needs a fresh second factor for any of it.
  router.use('/subscriptions', (req, _res, next) => {
    requireFreshSecondFactor(req);
    next();
  });

  /** Global subscriptions (no installation) are the operator's: as absent as a missing one to anyone else. */
  async function requireSubscription(req: Request, id: string): Promise<Subscription> {
    const sub = isPlausiblePathId(id, 64) ? await subscriptions.get(id) : undefined;
    if (!sub || (sub.installationId === null && !callerOf(req).admin)) throw notFound('Subscription');
    if (sub.installationId !== null) checkInstallation(req, await deps.store.installations.get(sub.installationId), 'service', 'Subscription');
    return sub;
  }

  /** undefined: not being set; null: every installation, which only an admin may ask for. */
  async function checkScope(req: Request, installationId: string | null | undefined): Promise<void> {
    if (installationId === undefined) return;
    const caller = callerOf(req);
    if (installationId === null) {
      if (caller.admin) return;
      throw new ApiError('VALIDATION_FAILED', 'installationId is required', [{ field: 'installationId', message: 'is required (only an admin may subscribe to every installation)' }]);
    }
    if (!(await deps.store.installations.get(installationId)) || !mayAct(caller, installationId, 'service')) {
      throw new ApiError('VALIDATION_FAILED', 'installationId names no installation', [{ field: 'installationId', message: 'names no installation' }]);
    }
  }

  const auditSubscription = (req: Request, action: string, before: Subscription | undefined, after: Subscription | undefined, touched: string[] = []) =>
    deps.store.transact((tx) => tx.audit(auditEntry(req, {
      installationId: (after ?? before)!.installationId,
      action,
      target: (after ?? before)!.label,
      changes: changesBetween(before, after, touched),
    })));

  const challengeNeeded = (s: Subscription) => s.kind === 'webhook' && s.verify;

  router.post('/subscriptions', async (req, res) => {
    const body = parseBody(createSubscriptionBody, req.body);
    await checkScope(req, body.installationId ?? null);
    await requireOutboundUrls(deps.outbound, { url: body.url, ...brokerUrls(body.kafka?.brokers) });
    const secret = body.secret ?? generateSecret(body.signature);
    const created = await subscriptions.create(toInput(body, secret), body.kind === 'webhook' && body.verify ? 'unverified' : 'active', await deps.store.events.lastSeq());
    const verification = challengeNeeded(created) ? await deps.notifications.verify(created) : undefined;
    if (!verification) await deps.notifications.changed(created);
    const view = (await subscriptions.get(created.id))!;
    // Recorded right after the change (creation spans the store and the delivery service).
    await auditSubscription(req, 'subscription.created', undefined, view, [...secretFieldsIn(body), 'secret']);
    // The secret is shown this once, so the subscriber can check signatures; never again.
    res.status(201).location(`/api/subscriptions/${created.id}`).json({ ...view, secret, ...(verification && { verification }) });
  });

  router.get('/subscriptions', async (req, res) => {
    const { installationId } = parseQuery(z.strictObject({ installationId: installationIdField.optional() }), req.query);
    const visible = visibleInstallations(req);
    const items = (await subscriptions.list(installationId)).filter((s) => !visible || (s.installationId !== null && visible.has(s.installationId)));
    res.json({ items });
  });

  router.get('/subscriptions/:id', async (req, res) => {
    res.json(await requireSubscription(req, req.params.id));
  });

  router.patch('/subscriptions/:id', async (req, res) => {
    const before = await requireSubscription(req, req.params.id);
    const patch = parseBody(updateSubscriptionBody, req.body);
    await checkScope(req, patch.installationId);
    requireSecretsForNewDestinations(...secretDestinations(before, patch));
    await requireOutboundUrls(deps.outbound, { url: patch.url, ...brokerUrls(patch.kafka?.brokers) });
    const merged = { ...before, ...patch, authentication: { ...before.authentication, ...patch.authentication } };
    const problems = z.object({}).superRefine((_, ctx) => requireTarget(merged as never, ctx)).safeParse({});
    if (!problems.success) throw new ApiError('VALIDATION_FAILED', 'The subscription would have no target', problems.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
    const input = patch as Partial<SubscriptionInput>;
    // An absent kafka password keeps the stored one (undefined leaves the column as it is).
    if (patch.kafka) input.kafka = { ...patch.kafka, saslMechanism: patch.kafka.saslMechanism ?? null, username: patch.kafka.username ?? null } as never;
    let updated = (await subscriptions.update(before.id, input))!;
    // A new URL must prove ownership again before it receives anything.
    const recheck = challengeNeeded(updated) && (patch.url !== undefined && patch.url !== before.url || (patch.verify === true && !before.verify));
    // Switched back on: it starts from now. What happened while it was off is not sent later (replay can).
    if (patch.enabled === true && !before.enabled) await subscriptions.update(before.id, {}, { cursor: await deps.store.events.lastSeq() });
    const reenabled = patch.enabled === true && before.state === 'disabled';
    if (reenabled) await subscriptions.setState(before.id, { state: 'active', failures: 0, nextAttemptAt: null });
    // A changed target deserves a try now rather than at the end of a long probe interval.
    else if (updated.state === 'queued') await subscriptions.setState(before.id, { state: 'queued', reason: updated.stateReason, nextAttemptAt: null });
    const verification = recheck ? await deps.notifications.verify(updated) : undefined;
    if (!verification) await deps.notifications.changed(updated);
    updated = (await subscriptions.get(before.id))!;
    await auditSubscription(req, 'subscription.updated', before, updated, secretFieldsIn(patch));
    res.json({ ...updated, ...(verification && { verification }) });
  });

  router.delete('/subscriptions/:id', async (req, res) => {
    const sub = await requireSubscription(req, req.params.id);
    await subscriptions.remove(sub.id);
    await deps.notifications.changed(sub);
    await auditSubscription(req, 'subscription.deleted', sub, undefined);
    res.status(204).end();
  });

  router.post('/subscriptions/:id/verify', async (req, res) => {
    const sub = await requireSubscription(req, req.params.id);
    if (sub.kind !== 'webhook') throw new ApiError('VALIDATION_FAILED', 'Only webhook subscriptions are verified', [{ field: 'kind', message: 'is not webhook' }]);
    const verification = await deps.notifications.verify(sub);
    res.json({ ...(await subscriptions.get(sub.id))!, verification });
  });

  // A new signing secret, shown this once; the old one keeps signing for the overlap (docs/events.md).
  router.post('/subscriptions/:id/secret', async (req, res) => {
    const before = await requireSubscription(req, req.params.id);
    const { secret: given, overlapHours } = parseBody(secretBody, req.body);
    const secret = given ?? generateSecret(before.signature);
    const until = overlapHours === 0 ? null : new Date(Date.now() + overlapHours * 3600_000).toISOString();
    const after = (await subscriptions.rotateSecret(before.id, secret, until))!;
    await deps.notifications.changed(after);
    await auditSubscription(req, 'subscription.secret_rotated', before, after, ['secret']);
    res.json({ ...after, secret });
  });

  router.get('/subscriptions/:id/deliveries', async (req, res) => {
    const sub = await requireSubscription(req, req.params.id);
    const q = parseQuery(deliveriesQuery, req.query);
    const filter = { ...(q.status && { ok: q.status === 'delivered' }), ...(q.eventType && { eventType: q.eventType }) };
    res.json({ items: await deps.store.deliveries.list(sub.id, q.limit, q.before, filter) });
  });

  router.post('/subscriptions/:id/test', async (req, res) => {
    const sub = await requireSubscription(req, req.params.id);
    const { eventType } = parseBody(testBody, req.body);
    if (eventType && eventType !== 'subscription.test' && !sub.events.includes('*') && !sub.events.includes(eventType)) {
      throw new ApiError('VALIDATION_FAILED', 'The subscription does not take this event', [{ field: 'eventType', message: `is not one of this subscription's events (${sub.events.join(', ')})` }]);
    }
    res.json(await deps.notifications.test(sub, eventType as EventType | undefined));
  });

  router.post('/subscriptions/:id/retry-failed', async (req, res) => {
    const sub = await requireSubscription(req, req.params.id);
    const { since } = parseBody(retryFailedBody, req.body);
    res.status(202).json({ events: await deps.notifications.retryFailed(sub, new Date(since).toISOString()) });
  });

  router.post('/subscriptions/:id/redeliver', async (req, res) => {
    const sub = await requireSubscription(req, req.params.id);
    const { eventId } = parseBody(redeliverBody, req.body);
    const result = await deps.notifications.redeliver(sub, eventId);
    if (!result) throw notFound('Event');
    res.json({ eventId, ...result });
  });

  router.post('/subscriptions/:id/replay', async (req, res) => {
    const sub = await requireSubscription(req, req.params.id);
    const { from, to } = parseBody(replayBody, req.body);
    res.status(202).json({ events: await deps.notifications.replay(sub, from, to) });
  });

  return router;
}

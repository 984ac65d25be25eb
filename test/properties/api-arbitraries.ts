// fast-check generators for REST API bodies: anything at all, and bodies that are almost right.
// Every URL or broker they produce points at one closed loopback port, so nothing generated
// makes the gateway resolve a name or call out of this machine.

import fc from 'fast-check';
import { EVENT_TYPES } from '../../src/notifications/catalogue.js';
import { deepNesting, hugeString, unicodeString } from './ocpp-arbitraries.js';

const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  unicodeString(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.jsonValue({ maxDepth: 2 }),
  deepNesting.map((v) => (Array.isArray(v) ? v.slice(0, 1) : v)),
);

/** Mostly a right value, sometimes anything at all. */
const almost = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junk });
const enumOf = (...values: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const optionalRecord = (model: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record(model, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 2 })).map(([r, e]) => ({ ...e, ...r })) },
  );

export interface ApiTargets {
  /** http://127.0.0.1:<a port nothing listens on> */
  closedUrl: string;
  closedBroker: string;
  installationId: string;
}

/** Replaces, anywhere in a value, a string that is an http(s) URL or a host:port not aimed at the closed loopback port. */
export function keepLoopback<T>(value: T, targets: ApiTargets): T {
  const fix = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) && !v.startsWith(targets.closedUrl)) return targets.closedUrl;
      if (/:\d{1,5}$/.test(v) && v !== targets.closedBroker) return targets.closedBroker;
      return v;
    }
    if (Array.isArray(v)) return v.map(fix);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return fix(value) as T;
}

const name = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), unicodeString(30), fc.constantFrom('  Depot  ', '\tTab', 'a\u0000b', 'x'.repeat(200), 'x'.repeat(201)), hugeString(400));
const url = (t: ApiTargets) =>
  fc.oneof(
    fc.string({ maxLength: 20 }).map((p) => `${t.closedUrl}/${encodeURIComponent(p)}`),
    fc.constantFrom(null, 'ftp://127.0.0.1/x', '/relative', 'http://', 'not a url', `${t.closedUrl}/${'p'.repeat(2100)}`),
  );

export const installationBody = (t: ApiTargets) =>
  optionalRecord({
    name: almost(name),
    authMode: enumOf('native', 'webhook'),
    securityProfile: almost(fc.integer({ min: -1, max: 4 })),
    authentication: almost(
      optionalRecord({
        mode: enumOf('native', 'webhook'),
        authUrl: almost(url(t)),
        authPayload: almost(fc.oneof(fc.constant('username=gateway&password=secret-pass'), fc.string(), hugeString(5000))),
        sessionStartUrl: almost(url(t)),
        sessionEndUrl: almost(url(t)),
        offlineAllow: almost(fc.boolean()),
        timeoutMs: almost(fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.double({ min: 0, max: 20_000 }))),
      }),
    ),
  });

export const idTagBody = optionalRecord({
  idTag: almost(fc.oneof(fc.string({ minLength: 1, maxLength: 36 }), unicodeString(40), fc.constantFrom('CARD-1', 'card-1', 'x'.repeat(36), 'x'.repeat(37), 'a\nb'))),
  status: enumOf('Accepted', 'Blocked', 'Expired', 'Invalid'),
  expiryDate: almost(
    fc.oneof(
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom(null, '2030-01-01', '2030-01-01T00:00:00', '2030-02-30T00:00:00Z', '2030-01-01T00:00:00+25:00', '+275760-09-13T00:00:00.000Z'),
    ),
  ),
  parentIdTag: almost(fc.oneof(fc.constant(null), fc.string({ minLength: 1, maxLength: 22 }))),
  type: almost(fc.oneof(fc.constant(null), fc.constantFrom('ISO14443', 'Central', 'DirectPayment', 'iso14443', ''), fc.string({ maxLength: 22 }))),
});

export const subscriptionBody = (t: ApiTargets) =>
  optionalRecord({
    installationId: almost(fc.oneof(fc.constant(t.installationId), fc.constant(null), fc.uuid())),
    label: almost(name),
    kind: enumOf('webhook', 'kafka'),
    url: almost(url(t)),
    urlMode: enumOf('fixed', 'base'),
    events: almost(fc.array(fc.oneof(fc.constantFrom('*', ...EVENT_TYPES), fc.string({ maxLength: 12 })), { maxLength: 4 })),
    enabled: almost(fc.boolean()),
    subscriptionId: almost(fc.oneof(fc.constant(null), fc.string({ maxLength: 30 }))),
    authentication: almost(optionalRecord({ kind: enumOf('none', 'basic'), username: almost(fc.string({ maxLength: 20 })), password: almost(fc.string({ maxLength: 20 })) })),
    signature: enumOf('none', 'hmac-sha256', 'standard-webhooks'),
    secret: almost(fc.oneof(fc.string({ minLength: 16, maxLength: 40 }), fc.string({ maxLength: 15 }))),
    filter: almost(
      optionalRecord({
        idTagPattern: almost(fc.oneof(fc.constantFrom('^CARD', '(', '[a-', '.*', '(a+)+$'), fc.string({ maxLength: 20 }))),
        chargers: almost(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })),
      }),
    ),
    blocking: almost(fc.array(fc.constantFrom('*', 'session.started', 'nope'), { maxLength: 2 })),
    blockingTimeoutMs: almost(fc.integer({ min: 0, max: 20_000 })),
    timeoutMs: almost(fc.integer({ min: 0, max: 100_000 })),
    verify: almost(fc.boolean()),
    kafka: almost(
      fc.oneof(
        fc.constant(null),
        optionalRecord({
          brokers: almost(fc.array(fc.constantFrom(t.closedBroker, 'no-port', ''), { maxLength: 2 })),
          topic: almost(fc.oneof(fc.constant('events'), fc.string({ maxLength: 10 }))),
          securityProtocol: enumOf('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'),
        }),
      ),
    ),
  });

// Bodies the API must accept, so that a good share of the requests store something.
const text = (min: number, max: number) =>
  fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ unit: 'grapheme', minLength: min, maxLength: max })).filter((v) => /\S/.test(v) && !/\p{Cc}/u.test(v));
const loopbackUrl = (t: ApiTargets) => fc.webSegment().map((p) => `${t.closedUrl}/${p}`);

export const validInstallationBody = (t: ApiTargets) =>
  fc.record(
    {
      name: text(1, 60),
      authMode: fc.constantFrom('native', 'webhook'),
      authentication: fc.record(
        { sessionStartUrl: loopbackUrl(t), authPayload: fc.string({ maxLength: 100 }), offlineAllow: fc.boolean(), timeoutMs: fc.integer({ min: 100, max: 10_000 }) },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['name'] },
  );

export const validIdTagBody = fc.record(
  {
    idTag: text(1, 36).filter((v) => v.length <= 36),
    status: fc.constantFrom('Accepted', 'Blocked', 'Expired'),
    type: fc.constantFrom(null, 'ISO14443', 'eMAID', 'Central'),
    expiryDate: fc.oneof(fc.constant(null), fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())),
    parentIdTag: fc.oneof(fc.constant(null), text(1, 20).filter((v) => v.length <= 20)),
  },
  { requiredKeys: ['idTag'] },
);

export const validSubscriptionBody = (t: ApiTargets) =>
  fc.oneof(
    fc.record(
      {
        label: text(1, 60),
        url: loopbackUrl(t),
        events: fc.subarray(['*', ...EVENT_TYPES], { minLength: 1 }),
        installationId: fc.constantFrom(t.installationId, null),
        urlMode: fc.constantFrom('fixed', 'base'),
        signature: fc.constantFrom('none', 'hmac-sha256', 'standard-webhooks'),
        secret: fc.string({ minLength: 16, maxLength: 40 }),
        filter: fc.record({ idTagPattern: fc.constantFrom('^CARD', '.*', '(a+)+$') }, { requiredKeys: [] }),
        timeoutMs: fc.integer({ min: 100, max: 60_000 }),
        verify: fc.boolean(),
      },
      { requiredKeys: ['label', 'url', 'events'] },
    ),
    fc.record({
      kind: fc.constant('kafka'),
      label: text(1, 60),
      events: fc.subarray(['*', ...EVENT_TYPES], { minLength: 1 }),
      kafka: fc.record({ brokers: fc.constant([t.closedBroker]), topic: fc.constantFrom('events', 'gw.events') }),
    }),
  );

/** Anything a client might send as a JSON body, a huge one now and then. */
export const anyJsonBody = fc.oneof({ weight: 20, arbitrary: fc.jsonValue({ maxDepth: 4 }) }, { weight: 1, arbitrary: hugeString(1_200_000).map((s) => ({ name: s })) });

/** Charger ids: OCPP identities are printable ASCII without "/" and at most 64 long here. */
const chargerId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
  fc.string({ maxLength: 70 }),
  unicodeString(20),
  fc.constantFrom('', ' ', 'a/b', 'A B', 'x'.repeat(64), 'x'.repeat(65), 'tab\there', '%2F'),
);

export const chargerBody = optionalRecord({ id: almost(chargerId) });
export const validChargerBody = fc.record({ id: fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/) });

export const chargerPasswordBody = optionalRecord({
  password: almost(fc.oneof(fc.string({ minLength: 14, maxLength: 22 }), fc.string({ unit: 'grapheme', minLength: 14, maxLength: 22 }), fc.stringMatching(/^[!-~]{16,20}$/))),
});
export const validChargerPasswordBody = fc.oneof(fc.constant({}), fc.record({ password: fc.stringMatching(/^[!-~]{16,20}$/) }));

export const securityProfileBody = optionalRecord({ securityProfile: almost(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constant(null), fc.double())) });

const connectorId = almost(fc.integer({ min: -1, max: 3 }));
/** The OCPP 1.6 request payloads of the remote commands, mostly right. */
const COMMAND_MODELS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  RemoteStartTransaction: { connectorId, idTag: almost(fc.oneof(fc.constant('CARD-1'), fc.string({ maxLength: 22 }))) },
  RemoteStopTransaction: { transactionId: almost(fc.integer()) },
  Reset: { type: enumOf('Hard', 'Soft') },
  UnlockConnector: { connectorId },
  ChangeAvailability: { connectorId, type: enumOf('Inoperative', 'Operative') },
  ChangeConfiguration: { key: almost(fc.oneof(fc.constantFrom('HeartbeatInterval', 'MeterValueSampleInterval'), fc.string({ maxLength: 52 }))), value: almost(fc.string({ maxLength: 502 })) },
  GetConfiguration: { key: almost(fc.array(fc.string({ maxLength: 52 }), { maxLength: 3 })) },
  TriggerMessage: { requestedMessage: enumOf('BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues'), connectorId },
  ClearCache: {},
};

/** An action (now and then one the API does not know) with a payload for it, mostly near-valid. */
export const commandRequest = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...Object.keys(COMMAND_MODELS)).chain((action) => fc.tuple(fc.constant(action), optionalRecord(COMMAND_MODELS[action]))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(COMMAND_MODELS)), fc.jsonValue({ maxDepth: 3 })) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constantFrom('reset', 'BootNotification', 'DataTransfer', '..', '%00'), fc.webSegment()), fc.constant({})) },
);

/** Query strings for GET /api/transactions: known keys with near-valid values, unknown keys, repeats. */
export const transactionsQuery = (t: ApiTargets) =>
  fc
    .array(
      fc.tuple(
        fc.oneof({ weight: 5, arbitrary: fc.constantFrom('chargerId', 'installationId', 'active', 'limit', 'offset') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
        fc.oneof(
          fc.constantFrom('true', 'false', '0', '1', '500', '501', '-1', '2147483647', '2147483648', '1e3', '0x10', ' 5', '', t.installationId, 'PROP-C'),
          fc.string({ maxLength: 20 }),
          fc.integer().map(String),
        ),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => new URLSearchParams(pairs).toString());

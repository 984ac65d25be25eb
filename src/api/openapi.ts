import { createRequire } from 'node:module';
import { API_ERRORS } from './errors.js';
import { body, common, failure, fromZod, json, list, noContent, obj, ok, orNull, pathParam, queryParams, ref, str, int, time, withBody, type Json } from './openapiParts.js';
import { userPaths, userSchemas } from './openapiUsers.js';
import { REMOTE_COMMANDS } from '../ocpp/commands.js';
import { createInstallationBody, updateInstallationBody } from './routes/installations.js';
import { registerChargerBody } from './routes/chargers.js';
import { putIdTagBody } from './routes/idTags.js';
import { listTransactionsQuery } from './routes/transactions.js';
import { createSubscriptionBody, updateSubscriptionBody } from './routes/subscriptions.js';
import { chargerPasswordBody, chargerSecurityBody } from './routes/chargerSecurity.js';
import { authenticationTestBody } from './routes/authenticationTest.js';
import { EVENT_TYPES } from '../notifications/catalogue.js';

/**
 * The OpenAPI 3.1 description of the REST API. Request bodies and query parameters are
 * generated from the zod schemas the routes validate with, so the document cannot drift from
 * what is enforced; responses are described by hand below. A test checks that
 * every registered route appears here.
 */

const installationId = pathParam('id', 'Installation id (UUID)');
const chargerId = pathParam('id', 'Charger id: the last segment of ws://…/ocpp/{chargerId}');

/** Response shapes, by hand: they mirror the store's row mappers (src/store/*.ts). */
const responseSchemas = {
  Installation: obj(
    {
      id: str, name: str, authMode: { type: 'string', enum: ['native', 'webhook'] }, createdAt: time, updatedAt: time,
      securityProfile: { type: 'integer', enum: [0, 1, 2, 3], description: 'OCPP security profile of its chargers: 0 none, 1 Basic, 2 TLS + Basic, 3 mutual TLS' },
      requireSecondFactor: { type: 'boolean', description: 'Members without TOTP are refused everything of it until they enrol' },
      authentication: orNull({
        ...obj({
          mode: { type: 'string', enum: ['native', 'webhook'] }, authUrl: orNull(str),
          authPayload: orNull({ ...str, description: 'Masked; never returned in clear' }),
          sessionStartUrl: orNull(str), sessionEndUrl: orNull(str), offlineAllow: { type: 'boolean' }, timeoutMs: int,
        }),
        description: 'null (with authenticationLocked) for a portal session without a fresh second factor',
      }),
    },
    {},
    { authenticationLocked: { type: 'boolean', description: 'Present (true) when authentication is withheld: step up first' } },
  ),
  Charger: obj({
    id: str,
    installationId: str,
    online: { type: 'boolean', description: 'True while the charger holds a WebSocket to this gateway' },
    lastSeen: orNull(time),
    boot: obj({
      vendor: orNull(str), model: orNull(str), serialNumber: orNull(str), firmwareVersion: orNull(str), bootedAt: orNull(time),
      details: orNull({ type: 'object', description: 'The other BootNotification.req fields' }),
    }),
    securityProfile: orNull({ type: 'integer', enum: [0, 1, 2, 3], description: "Overrides the installation's; null: the installation's" }),
    passwordSetAt: orNull({ ...time, description: 'When the Basic-auth password was last set; the password is never returned' }),
    offlineConfig: orNull({
      type: 'object',
      description: 'What the charger answered when the installation\'s offlineAllow was pushed (ChangeConfiguration LocalAuthorizeOffline, AllowOfflineTxForUnknownId)',
      properties: { offlineAllow: { type: 'boolean' }, applied: { type: 'boolean' }, results: { type: 'object' }, at: time },
    }),
    firmwareStatus: orNull(obj({ status: str, at: time })),
    diagnosticsStatus: orNull(obj({ status: str, at: time })),
    createdAt: time,
  }),
  ChargerDetail: {
    allOf: [
      ref('Charger'),
      obj({ connectors: { type: 'array', items: ref('Connector') }, anomalies: { type: 'array', items: ref('Anomaly') } }),
    ],
  },
  Connector: obj({
    connectorId: { type: 'integer', description: '0 is the charger itself' },
    status: str, errorCode: str, info: orNull(str), vendorErrorCode: orNull(str),
    statusAt: orNull({ ...time, description: "The charger's timestamp" }), updatedAt: time,
  }),
  Anomaly: obj({
    id: int,
    kind: { type: 'string', enum: ['unknown_transaction', 'already_stopped', 'meter_stop_below_start', 'foreign_meter_values'] },
    transactionId: orNull(int), payload: { description: 'The frame as received' }, receivedAt: time,
  }),
  IdTag: obj({
    idTag: str, status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired'] },
    expiryDate: orNull(time), parentIdTag: orNull(str), createdAt: time, updatedAt: time,
  }),
  Transaction: obj({
    id: int, chargerId: str, installationId: str, connectorId: int, idTag: str,
    meterStart: { type: 'integer', description: 'Wh' }, startTime: time, startReceivedAt: time, reservationId: orNull(int),
    authorization: obj({ status: str, source: str, reason: orNull(str) }),
    active: { type: 'boolean' }, late: { type: 'boolean', description: 'Reported long after it started (e.g. buffered while offline)' },
    stop: orNull(obj({ meterStop: int, time, receivedAt: time, reason: orNull(str), idTag: orNull(str) })),
    energyWh: orNull(int), meterAnomaly: { type: 'boolean', description: 'meterStop was below meterStart' },
    providerSessionId: orNull({ ...str, description: "The provider's sessionId from session start (webhook mode)" }),
    authorizedOffline: { type: 'boolean', description: 'Accepted by the offline policy because the provider was unreachable' },
  }),
  MeterValue: obj({
    id: int, connectorId: int, timestamp: time, sampledValue: { type: 'array', items: { type: 'object' } },
    source: { type: 'string', enum: ['MeterValues', 'StopTransaction'] },
  }),
  TransactionDetail: {
    allOf: [
      ref('Transaction'),
      obj({
        authorization: obj({
          status: str, source: { type: 'string', enum: ['default', 'native', 'webhook', 'cache', 'offline'] }, reason: orNull(str),
          expiryDate: orNull({ ...time, description: 'idTagInfo.expiryDate the charger got' }), parentIdTag: orNull({ ...str, description: 'idTagInfo.parentIdTag the charger got' }),
          provider: orNull({
            ...obj({
              allowed: { type: 'boolean' }, status: { ...str, description: 'Accepted when it allowed (even if ConcurrentTx then refused)' },
              reason: orNull({ ...str, description: "The provider's own words when it refused" }), httpStatus: orNull({ ...int, description: 'When it refused with a 4xx instead of a reply' }),
              sessionId: orNull(str), expiryDate: orNull(time), parentIdTag: orNull(str),
            }),
            description: "The provider's answer to session start, when the provider decided (source webhook); null otherwise",
          }),
        }),
        meterValues: { type: 'array', items: ref('MeterValue') },
        sessionEnd: orNull(
          obj({
            status: { type: 'string', enum: ['pending', 'delivered', 'cancelled'] }, attempts: int, lastStatus: orNull(int),
            lastError: orNull(str), createdAt: time, deliveredAt: orNull(time), nextAttemptAt: time,
          }),
        ),
      }),
    ],
  },
  CommandResult: obj({ action: { type: 'string', enum: [...REMOTE_COMMANDS] }, result: { type: 'object', description: 'The OCPP .conf payload, see <Action>Response' } }),
};

/** The OCPP 1.6 JSON schemas of the remote commands, straight from the validator that enforces them. */
const ocpp16Schemas: Json[] = createRequire(import.meta.url)('ocpp-rpc/lib/schemas/ocpp1_6.json');
function ocppSchema(id: string): Json {
  const { $id: _id, $schema: _dialect, ...rest } = ocpp16Schemas.find((s) => s.$id === id) ?? {};
  return rest;
}
const commandSchemas = Object.fromEntries(
  REMOTE_COMMANDS.flatMap((action) => [
    [`${action}Request`, { description: `OCPP 1.6 ${action}.req`, ...ocppSchema(`urn:${action}.req`) }],
    [`${action}Response`, { description: `OCPP 1.6 ${action}.conf`, ...ocppSchema(`urn:${action}.conf`) }],
  ]),
);

const paths = {
  '/healthz': {
    get: { tags: ['health'], summary: 'Liveness', security: [], responses: { '200': ok('The process is up', { type: 'object' }) } },
  },
  '/readyz': {
    get: {
      tags: ['health'], summary: 'Readiness: the database answers', security: [],
      responses: { '200': ok('Ready', { type: 'object' }), '503': ok('The database does not answer', { type: 'object' }) },
    },
  },
  '/api/openapi.json': {
    get: { tags: ['health'], summary: 'This document', security: [], responses: { '200': ok('OpenAPI 3.1 document', { type: 'object' }) } },
  },

  '/api/installations': {
    post: {
      tags: ['installations'], summary: 'Create an installation',
      requestBody: body(fromZod(createInstallationBody)),
      responses: { '201': ok('Created', ref('Installation')), ...withBody },
    },
    get: { tags: ['installations'], summary: 'List installations', responses: { '200': ok('All installations', list('Installation')), ...common } },
  },
  '/api/installations/{id}': {
    parameters: [installationId],
    get: { tags: ['installations'], summary: 'Get an installation', responses: { '200': ok('The installation', ref('Installation')), '404': failure('NOT_FOUND'), ...common } },
    patch: {
      tags: ['installations'], summary: 'Change an installation (at least one field)',
      requestBody: body(fromZod(updateInstallationBody)),
      responses: { '200': ok('Updated', ref('Installation')), '404': failure('NOT_FOUND'), ...withBody },
    },
    delete: {
      tags: ['installations'], summary: 'Delete an installation with its chargers and id tags; transactions stay as history',
      responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common },
    },
  },

  '/api/installations/{id}/chargers': {
    parameters: [installationId],
    post: {
      tags: ['chargers'], summary: 'Register a charger; ids are unique across installations',
      requestBody: body(fromZod(registerChargerBody)),
      responses: { '201': ok('Registered', ref('Charger')), '404': failure('NOT_FOUND'), '409': failure('CONFLICT'), ...withBody },
    },
    get: { tags: ['chargers'], summary: "List an installation's chargers", responses: { '200': ok('Chargers', list('Charger')), '404': failure('NOT_FOUND'), ...common } },
  },
  '/api/installations/{id}/chargers/{chargerId}': {
    parameters: [installationId, pathParam('chargerId', 'Charger id')],
    delete: {
      tags: ['chargers'], summary: 'Remove a charger; a live connection is closed',
      responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/chargers/{id}': {
    parameters: [chargerId],
    get: {
      tags: ['chargers'], summary: 'A charger with its boot information, connectors and anomalies',
      responses: { '200': ok('The charger', ref('ChargerDetail')), '404': failure('NOT_FOUND'), ...common },
    },
  },

  '/api/installations/{id}/id-tags': {
    parameters: [installationId],
    post: {
      tags: ['id-tags'], summary: 'Create an id tag, or replace the one with the same spelling in any case',
      requestBody: body(fromZod(putIdTagBody)),
      responses: { '201': ok('Created', ref('IdTag')), '200': ok('Replaced', ref('IdTag')), '404': failure('NOT_FOUND'), ...withBody },
    },
    get: { tags: ['id-tags'], summary: "List an installation's id tags", responses: { '200': ok('Id tags', list('IdTag')), '404': failure('NOT_FOUND'), ...common } },
  },
  '/api/installations/{id}/id-tags/{idTag}': {
    parameters: [installationId, pathParam('idTag', 'The id tag, matched case-insensitively')],
    get: { tags: ['id-tags'], summary: 'Get an id tag', responses: { '200': ok('The id tag', ref('IdTag')), '404': failure('NOT_FOUND'), ...common } },
    delete: { tags: ['id-tags'], summary: 'Delete an id tag', responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common } },
  },

  '/api/transactions': {
    get: {
      tags: ['transactions'], summary: 'List transactions, newest first',
      parameters: queryParams(listTransactionsQuery),
      responses: {
        '200': ok('A page of transactions', {
          type: 'object', required: ['items', 'limit', 'offset'],
          properties: { items: { type: 'array', items: ref('Transaction') }, limit: { type: 'integer' }, offset: { type: 'integer' } },
        }),
        '400': failure('VALIDATION_FAILED'),
        ...common,
      },
    },
  },
  '/api/transactions/{id}': {
    parameters: [pathParam('id', 'Transaction id as given to the charger', { type: 'integer', minimum: 1 })],
    get: {
      tags: ['transactions'], summary: 'A transaction with its meter values',
      responses: { '200': ok('The transaction', ref('TransactionDetail')), '400': failure('VALIDATION_FAILED'), '404': failure('NOT_FOUND'), ...common },
    },
  },

  '/api/chargers/{id}/commands/{action}': {
    parameters: [chargerId, pathParam('action', 'The OCPP 1.6 action to send', { type: 'string', enum: [...REMOTE_COMMANDS] })],
    post: {
      tags: ['commands'], summary: 'Send a command to a connected charger and return its answer',
      description: 'The body is the OCPP 1.6 request payload of `action` (e.g. `{"type":"Soft"}` for Reset, `{}` for ClearCache).',
      requestBody: body({ anyOf: REMOTE_COMMANDS.map((a) => ref(`${a}Request`)) }),
      responses: {
        '200': ok("The charger's answer", ref('CommandResult')),
        '400': failure('COMMAND_INVALID', 'MALFORMED_JSON'),
        '404': failure('NOT_FOUND'),
        '409': failure('CHARGER_OFFLINE'),
        '502': failure('CHARGER_CALL_ERROR', 'COMMAND_FAILED'),
        '504': failure('COMMAND_TIMEOUT'),
        '413': failure('PAYLOAD_TOO_LARGE'),
        '415': failure('UNSUPPORTED_MEDIA_TYPE'),
        ...common,
      },
    },
  },
};

const securityPaths = {
  '/api/chargers/{id}/security-profile': {
    parameters: [chargerId],
    put: {
      tags: ['chargers'], summary: "Set the charger's own OCPP security profile (null: the installation's)",
      requestBody: body(fromZod(chargerSecurityBody)),
      responses: { '200': ok('The charger', ref('Charger')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
  '/api/chargers/{id}/password': {
    parameters: [chargerId],
    post: {
      tags: ['chargers'], summary: 'Set or rotate the Basic-auth password (profiles 1 and 2); generated when not given, returned once',
      description: 'A connected charger first gets ChangeConfiguration AuthorizationKey (hex); the password is stored only when it accepts.',
      requestBody: { required: false, ...json(fromZod(chargerPasswordBody)) },
      responses: {
        '201': ok('The password, this once', { type: 'object', required: ['chargerId', 'password'], properties: { chargerId: str, password: str } }),
        '404': failure('NOT_FOUND'), '409': failure('CHARGER_OFFLINE'), '502': failure('CHARGER_CALL_ERROR', 'COMMAND_FAILED'), '504': failure('COMMAND_TIMEOUT'),
        ...withBody,
      },
    },
  },
};

/** What the portal reads to show an installation live. */
const statusPaths = {
  '/api/installations/{id}/live': {
    parameters: [
      installationId,
      { name: 'Last-Event-ID', in: 'header', required: false, description: 'The `id` of the last event received: the stream resumes after it', schema: { type: 'string', pattern: '^[0-9]+$' } },
    ],
    get: {
      tags: ['installations'],
      summary: "The installation's events as Server-Sent Events, from now (or after Last-Event-ID)",
      description:
        'Each event is sent as `id: <seq>`, `event: <event type>` and `data: <the event envelope as JSON>` (docs/events.md), in the order they were stored, whichever node the charger is connected to. ' +
        'A `: keepalive` comment comes every 15 s (liveKeepaliveMs). A client that reads too slowly is cut off and resumes with Last-Event-ID; the stream ends when the gateway shuts down.',
      responses: {
        '200': { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        '400': failure('VALIDATION_FAILED'),
        '404': failure('NOT_FOUND'),
        ...common,
      },
    },
  },
  '/api/installations/{id}/authentication/test': {
    parameters: [installationId],
    post: {
      tags: ['installations'],
      summary: "Test the installation's stored authentication settings with an id tag",
      description:
        'Fetches a token (with an authUrl) and calls session start with trigger Authorize, `chargerId: "(test)"` and `test: true` (docs/webhooks.md), ' +
        'always (no cached decision, no circuit breaker), then reports the decision a charger would get: the provider\'s, the offline policy\'s when it was unreachable, ' +
        'or the native id tags\' without a session start URL. Nothing is started or remembered; no token or payload appears in the reply.',
      requestBody: body(fromZod(authenticationTestBody)),
      responses: { '200': ok('What happened at each step', ref('AuthenticationTestReport')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
};

/** A step of the authentication test: whether it worked and how long it took (ms). */
const trialStep = (extra: Record<string, unknown> = {}) => ({
  type: 'object', required: ['ok', 'ms'],
  properties: { ok: { type: 'boolean' }, ms: { type: 'integer', description: 'Milliseconds' }, error: { ...str, description: 'Why it failed (no secret)' }, ...extra },
});

const statusSchemas = {
  AuthenticationTestReport: obj({
    token: orNull({ ...trialStep(), description: 'null without an authUrl' }),
    sessionStart: orNull({
      ...trialStep({
        status: { ...int, description: "The provider's HTTP status" },
        body: { description: "The provider's reply: its JSON, or the first 2 KB of its text; secrets sent to it are blanked" },
      }),
      description: 'null without a session start URL, or when the token fetch failed',
    }),
    decision: {
      type: 'object', required: ['status', 'source', 'reason'],
      properties: {
        status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx'] },
        source: { type: 'string', enum: ['default', 'native', 'webhook', 'cache', 'offline'] },
        reason: { ...str, description: 'Stable code (provider_allowed, provider_refused:<text>, offline_allowed:<why>, unknown_id_tag, ...)' },
      },
    },
  }),
};

const subscriptionId = pathParam('id', 'Subscription id (UUID)');
const subscriptionPaths = {
  '/api/subscriptions': {
    post: {
      tags: ['subscriptions'], summary: 'Subscribe to events (webhook or Kafka)',
      description: 'The reply carries `secret` this once; it is never shown again. With `verify: true` the ownership challenge runs first and its outcome is in `verification`.',
      requestBody: body(fromZod(createSubscriptionBody)),
      responses: { '201': ok('Created', ref('SubscriptionCreated')), ...withBody },
    },
    get: {
      tags: ['subscriptions'], summary: 'List subscriptions',
      parameters: [{ name: 'installationId', in: 'query', required: false, schema: { type: 'string' } }],
      responses: { '200': ok('Subscriptions', list('Subscription')), '400': failure('VALIDATION_FAILED'), ...common },
    },
  },
  '/api/subscriptions/{id}': {
    parameters: [subscriptionId],
    get: { tags: ['subscriptions'], summary: 'Get a subscription', responses: { '200': ok('The subscription', ref('Subscription')), '404': failure('NOT_FOUND'), ...common } },
    patch: {
      tags: ['subscriptions'], summary: 'Change a subscription; a new URL with verify on is challenged again',
      requestBody: body(fromZod(updateSubscriptionBody)),
      responses: { '200': ok('Updated', ref('Subscription')), '404': failure('NOT_FOUND'), ...withBody },
    },
    delete: { tags: ['subscriptions'], summary: 'Delete a subscription and its delivery log', responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common } },
  },
  '/api/subscriptions/{id}/verify': {
    parameters: [subscriptionId],
    post: { tags: ['subscriptions'], summary: 'Run the ownership challenge again', responses: { '200': ok('The subscription with `verification`', ref('Subscription')), '400': failure('VALIDATION_FAILED'), '404': failure('NOT_FOUND'), ...common } },
  },
  '/api/subscriptions/{id}/deliveries': {
    parameters: [subscriptionId],
    get: {
      tags: ['subscriptions'], summary: 'Delivery attempts, newest first',
      parameters: [
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } },
        { name: 'before', in: 'query', required: false, schema: { type: 'integer', minimum: 1 }, description: 'Attempts with a smaller id (paging)' },
      ],
      responses: { '200': ok('Attempts', list('Delivery')), '400': failure('VALIDATION_FAILED'), '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/subscriptions/{id}/test': {
    parameters: [subscriptionId],
    post: { tags: ['subscriptions'], summary: 'Send a subscription.test event now', responses: { '200': ok('What the endpoint answered', ref('Attempt')), '404': failure('NOT_FOUND'), ...common } },
  },
  '/api/subscriptions/{id}/redeliver': {
    parameters: [subscriptionId],
    post: {
      tags: ['subscriptions'], summary: 'Send one stored event again, now',
      requestBody: body({ type: 'object', required: ['eventId'], properties: { eventId: { type: 'string', format: 'uuid' } }, additionalProperties: false }),
      responses: { '200': ok('What the endpoint answered', ref('Attempt')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
  '/api/subscriptions/{id}/replay': {
    parameters: [subscriptionId],
    post: {
      tags: ['subscriptions'], summary: 'Send again, in order and in the background, the stored events of a time window',
      requestBody: body({ type: 'object', required: ['from', 'to'], properties: { from: time, to: time }, additionalProperties: false }),
      responses: { '202': ok('Events queued for replay', { type: 'object', required: ['events'], properties: { events: int } }), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
};

const subscriptionSchemas = {
  Subscription: {
    type: 'object',
    properties: {
      id: str, installationId: orNull(str), label: str, kind: { type: 'string', enum: ['webhook', 'kafka'] }, url: orNull(str),
      urlMode: { type: 'string', enum: ['fixed', 'base'] }, events: { type: 'array', items: { type: 'string', enum: ['*', ...EVENT_TYPES] } },
      enabled: { type: 'boolean' }, subscriptionId: orNull(str),
      authentication: { type: 'object', properties: { kind: { type: 'string', enum: ['none', 'basic'] }, username: orNull(str), passwordSet: { type: 'boolean' } } },
      signature: { type: 'string', enum: ['none', 'hmac-sha256', 'standard-webhooks'] },
      filter: { type: 'object', properties: { idTagPattern: str, chargers: { type: 'array', items: str } } },
      blocking: { type: 'array', items: str }, blockingTimeoutMs: int, timeoutMs: int, verify: { type: 'boolean' },
      kafka: orNull({ type: 'object', properties: { brokers: { type: 'array', items: str }, topic: str, securityProtocol: str, saslMechanism: orNull(str), username: orNull(str), passwordSet: { type: 'boolean' } } }),
      state: { type: 'string', enum: ['active', 'queued', 'unverified', 'disabled'] }, stateReason: orNull(str),
      cursor: { type: 'integer', description: 'Last event delivered, in the event log order' }, failures: int, nextAttemptAt: orNull(time),
      createdAt: time, updatedAt: time,
      verification: { type: 'object', properties: { verified: { type: 'boolean' }, reason: str } },
    },
  },
  SubscriptionCreated: { allOf: [ref('Subscription'), { type: 'object', required: ['secret'], properties: { secret: { type: 'string', description: 'Shown once' } } }] },
  Delivery: obj({
    id: int, eventId: str, eventType: str, attempt: int, mode: { type: 'string', enum: ['queue', 'retry', 'probe', 'blocking', 'test', 'redeliver', 'replay'] },
    at: time, status: orNull(int), ok: { type: 'boolean' }, latencyMs: int, error: orNull(str), response: orNull({ ...str, description: 'First 1 KB of the reply' }),
  }),
  Attempt: { type: 'object', properties: { ok: { type: 'boolean' }, status: orNull(int), error: orNull(str), latencyMs: { type: 'number' }, response: orNull(str), eventId: str } },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'OCPP authorization gateway',
    version: '0.1.0',
    description: 'REST API for site owners: installations, chargers, id tags, transactions, remote commands, subscriptions, users, members, API tokens and the audit log.',
  },
  security: [{ bearerAuth: [] }, { cookieAuth: [] }],
  paths: { ...paths, ...subscriptionPaths, ...securityPaths, ...userPaths, ...statusPaths },
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN (operator admin) or a stored API token (a role on some installations)' },
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'gw_session', description: 'Portal session from POST /api/auth/login; unsafe methods also need the x-csrf-token header' },
    },
    schemas: {
      ...responseSchemas,
      ...subscriptionSchemas,
      ...userSchemas,
      ...statusSchemas,
      Error: {
        type: 'object',
        required: ['error', 'message'],
        properties: {
          error: { type: 'string', enum: Object.keys(API_ERRORS), description: 'Stable error code' },
          message: { type: 'string', description: 'For humans; may change' },
          details: {
            description: 'For 400s and 409s: the fields at fault. CHARGER_CALL_ERROR: the OCPP error. NOT_FOUND of a command: the supported actions.',
            oneOf: [{ type: 'array', items: ref('FieldError') }, { type: 'object' }],
          },
        },
      },
      FieldError: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', description: 'Dotted path, or "(body)" for the whole body' }, message: { type: 'string' } },
      },
      ...commandSchemas,
    },
  },
};

import { body, common, failure, fromZod, installationId, int, list, noContent, obj, ok, orNull, pathParam, ref, str, time, withBody, withSecretBody } from './openapiParts.js';
import { createInstallationBody, updateInstallationBody } from './routes/installations.js';
import { putIdTagBody } from './routes/idTags.js';
import { authenticationTestBody } from './routes/authenticationTest.js';

/**
 * Installations, their id tags, their live events and the test of their authentication settings,
 * in the OpenAPI document. Response shapes are by hand: they mirror the store's row mappers
 * (src/store/*.ts).
 */

export const installationPaths = {
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
      tags: ['installations'], summary: 'Change an installation (at least one field); a new authentication URL needs authPayload again when one is stored',
      requestBody: body(fromZod(updateInstallationBody)),
      responses: { '200': ok('Updated', ref('Installation')), '404': failure('NOT_FOUND'), ...withSecretBody },
    },
    delete: {
      tags: ['installations'], summary: 'Delete an installation with its chargers and id tags; transactions stay as history',
      responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common },
    },
  },
};

export const idTagPaths = {
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
};

/** What the portal reads to show an installation live. */
export const statusPaths = {
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
        'Fetches a token (with an authUrl) and calls session start with trigger Authorize, `chargerId: "(test)"` and `test: true` (docs/provider.md), ' +
        'always (no cached decision, no circuit breaker), then reports the decision a charger would get: the provider\'s, the offline policy\'s when it was unreachable, ' +
        'or the native id tags\' without a session start URL. Nothing is started or remembered; no token or payload appears in the reply.',
      requestBody: body(fromZod(authenticationTestBody)),
      responses: { '200': ok('What happened at each step', ref('AuthenticationTestReport')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
};

/** A step of the authentication test: whether it worked and how long it took (ms). */
const testStep = (extra: Record<string, unknown> = {}) => ({
  type: 'object', required: ['ok', 'ms'],
  properties: { ok: { type: 'boolean' }, ms: { type: 'integer', description: 'Milliseconds' }, error: { ...str, description: 'Why it failed (no secret)' }, ...extra },
});

export const statusSchemas = {
  AuthenticationTestReport: obj({
    token: orNull({ ...testStep(), description: 'null without an authUrl' }),
    sessionStart: orNull({
      ...testStep({
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

export const installationSchemas = {
  Installation: obj(
    {
      id: str, name: str, authMode: { type: 'string', enum: ['native', 'webhook'] }, createdAt: time, updatedAt: time,
      securityProfile: { type: 'integer', enum: [0, 1, 2, 3], description: 'OCPP security profile of its chargers: 0 none, 1 Basic, 2 TLS + Basic, 3 mutual TLS' },
      requireSecondFactor: { type: 'boolean', description: 'Members without TOTP are refused everything of it until they enrol' },
      localList: obj(
        {
          mode: { type: 'string', enum: ['off', 'native', 'native+recent'], description: "off: chargers get no list; native: the installation's id tags (Blocked and Expired ones as such); native+recent: also the tags the provider accepted in the last recentDays days" },
          recentDays: { type: 'integer', minimum: 1, maximum: 365 },
        },
        { description: "What the gateway keeps in its chargers' OCPP Local Authorization Lists (SendLocalList)" },
      ),
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
};

export const idTagSchemas = {
  IdTag: obj({
    idTag: str, status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired'] },
    expiryDate: orNull(time), parentIdTag: orNull(str),
    type: orNull({ ...str, description: 'The OCPP id-token type the tag is limited to (a 2.0.1 token of another type does not match; 1.6 id tags match any); null: any' }),
    createdAt: time, updatedAt: time,
  }),
};

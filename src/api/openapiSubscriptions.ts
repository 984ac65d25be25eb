import { body, common, failure, fromZod, int, json, list, noContent, obj, ok, orNull, pathParam, queryParams, ref, str, time, withBody, withSecretBody } from './openapiParts.js';
import { createSubscriptionBody, deliveriesQuery, retryFailedBody, secretBody, testBody, updateSubscriptionBody } from './routes/subscriptions.js';
import { EVENT_TYPES } from '../notifications/catalogue.js';

/** Event subscriptions (webhook or Kafka) and their delivery log, in the OpenAPI document. */

const subscriptionId = pathParam('id', 'Subscription id (UUID)');
const headers = { type: 'object', additionalProperties: str };
export const subscriptionPaths = {
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
      tags: ['subscriptions'], summary: 'Change a subscription; a new URL with verify on is challenged again; a new URL or broker list needs its stored password again',
      requestBody: body(fromZod(updateSubscriptionBody)),
      responses: { '200': ok('Updated', ref('Subscription')), '404': failure('NOT_FOUND'), ...withSecretBody },
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
      tags: ['subscriptions'], summary: 'Delivery attempts, newest first, with what each sent and what the endpoint answered',
      description: '`before`: attempts with a smaller id (paging); `status`: delivered or failed attempts only; `eventType`: one event type only.',
      parameters: queryParams(deliveriesQuery),
      responses: { '200': ok('Attempts', list('Delivery')), '400': failure('VALIDATION_FAILED'), '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/subscriptions/{id}/test': {
    parameters: [subscriptionId],
    post: {
      tags: ['subscriptions'], summary: "Send a test now: subscription.test, or the catalogue's example of one of the subscription's event types",
      description: 'The example carries a new event id, this installation and one of its chargers; the delivery log shows it with mode `test`. Without a body, subscription.test is sent.',
      requestBody: { required: false, ...json(fromZod(testBody)) },
      responses: { '200': ok('What was sent and what the endpoint answered', ref('Attempt')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
  '/api/subscriptions/{id}/secret': {
    parameters: [subscriptionId],
    post: {
      tags: ['subscriptions'], summary: 'Set or rotate the signing secret; the old one keeps signing during the overlap',
      description: 'Without `secret` one is generated. The reply carries `secret` this once. For `overlapHours` (default 24, 0 stops the old secret at once) Standard Webhooks signatures carry one `v1,` entry per secret; `X-Signature` carries the new secret\'s only.',
      requestBody: { required: false, ...json(fromZod(secretBody)) },
      responses: { '200': ok('The subscription with the new secret', ref('SubscriptionCreated')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
  '/api/subscriptions/{id}/retry-failed': {
    parameters: [subscriptionId],
    post: {
      tags: ['subscriptions'], summary: 'Send again, in order and in the background, every event whose attempts since a time all failed',
      description: 'Events still waiting in an enabled subscription\'s queue are left to it (it sends them anyway), so none is sent twice by this call. Test sends are not retried.',
      requestBody: body(fromZod(retryFailedBody)),
      responses: { '202': ok('Events queued to be sent again', { type: 'object', required: ['events'], properties: { events: int } }), '404': failure('NOT_FOUND'), ...withBody },
    },
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

export const subscriptionSchemas = {
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
      previousSecretUntil: orNull({ ...time, description: 'While set, the secret before the last rotation still signs, until then' }),
      createdAt: time, updatedAt: time,
      verification: { type: 'object', properties: { verified: { type: 'boolean' }, reason: str } },
    },
  },
  SubscriptionCreated: { allOf: [ref('Subscription'), { type: 'object', required: ['secret'], properties: { secret: { type: 'string', description: 'Shown once' } } }] },
  Delivery: obj({
    id: int, eventId: str, eventType: str, attempt: int, mode: { type: 'string', enum: ['queue', 'retry', 'probe', 'blocking', 'test', 'redeliver', 'replay'] },
    at: time, status: orNull(int), ok: { type: 'boolean' }, latencyMs: int, error: orNull(str), response: orNull({ ...str, description: 'First 1 KB of the reply' }),
    request: orNull(ref('AttemptRequest')), responseHeaders: orNull(headers),
  }),
  AttemptRequest: obj({ method: str, url: str, headers, body: { ...str, description: 'The body sent (its first 16 KiB)' } }, { description: 'What was sent; credentials show as "Basic [hidden]". Null for Kafka.' }),
  Attempt: {
    type: 'object',
    properties: {
      ok: { type: 'boolean' }, status: orNull(int), error: orNull(str), latencyMs: { type: 'number' }, response: orNull(str), eventId: str,
      request: orNull(ref('AttemptRequest')), responseHeaders: orNull(headers),
    },
  },
};

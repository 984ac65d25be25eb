import { z } from 'zod';
import { API_ERRORS, type ApiErrorCode } from './errors.js';

/** Building blocks of the OpenAPI document (src/api/openapi.ts), shared by its parts. */

export type Json = Record<string, unknown>;

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect), describing what a client sends. */
export function fromZod(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
export const body = (schema: unknown) => ({ required: true, ...json(schema) });
export const ok = (description: string, schema: unknown) => ({ description, ...json(schema) });
export const noContent = { description: 'Done; no body' };
export const list = (item: string) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(item) } } });

/** An error response naming the codes a client can get from this operation. */
export const failure = (...codes: ApiErrorCode[]) => ({
  description: codes.map((c) => `\`${c}\`: ${API_ERRORS[c].message}`).join('; '),
  content: { 'application/json': { schema: ref('Error'), example: { error: codes[0], message: API_ERRORS[codes[0]].message } } },
});

/** Errors every authenticated operation can return, keyed by status. */
export const common = {
  '401': failure('UNAUTHORIZED'),
  '403': failure('CSRF_FAILED', 'SECOND_FACTOR_REQUIRED', 'SECOND_FACTOR_ENROLMENT_REQUIRED', 'FORBIDDEN'),
  '500': failure('INTERNAL'),
};
export const withBody = { ...common, '400': failure('VALIDATION_FAILED', 'MALFORMED_JSON', 'MALFORMED_REQUEST'), '413': failure('PAYLOAD_TOO_LARGE'), '415': failure('UNSUPPORTED_MEDIA_TYPE') };
/** A change that can move where a stored secret is sent (installations' URLs, subscriptions' URL and brokers). */
export const withSecretBody = { ...withBody, '400': failure('VALIDATION_FAILED', 'MALFORMED_JSON', 'MALFORMED_REQUEST', 'SECRET_REQUIRED') };

export const pathParam = (name: string, description: string, schema: Json = { type: 'string' }) => ({
  name, in: 'path', required: true, description, schema,
});

/** Path parameters named by more than one part of the document. */
export const installationId = pathParam('id', 'Installation id (UUID)');
export const chargerId = pathParam('id', 'Charger id: the last segment of ws://…/ocpp/{chargerId}');

/** One query parameter per property of a zod object schema. */
export function queryParams(schema: z.ZodType): Json[] {
  const { properties = {}, required = [] } = fromZod(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: required.includes(name), schema: s }));
}

export const str = { type: 'string' };
export const int = { type: 'integer' };
export const time = { type: 'string', format: 'date-time' };
export const orNull = (s: Json) => ({ oneOf: [s, { type: 'null' }] });
/** An object whose `properties` are all required; `optional` ones may be absent. */
export const obj = (properties: Record<string, unknown>, extra: Json = {}, optional: Record<string, unknown> = {}) => ({
  type: 'object',
  required: Object.keys(properties),
  properties: { ...properties, ...optional },
  ...extra,
});


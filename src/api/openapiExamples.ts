import type { Json } from './openapiParts.js';

/**
 * An example for every request and response body of the OpenAPI document, made from its schema:
 * a schema's own `examples`, `default`, `const` or first `enum` value win; otherwise values that
 * look like what a site owner sees, chosen by the property's name and format.
 */

const BY_NAME: Record<string, unknown> = {
  id: '6f1c2a9e-4b7d-4e0a-9c51-2d8e7f3a1b04',
  installationId: '6f1c2a9e-4b7d-4e0a-9c51-2d8e7f3a1b04',
  subscriptionId: 'b2e4c6d8-1a3f-4e5b-8c7d-9e0f1a2b3c4d',
  userId: 'c9d8e7f6-5a4b-4c3d-8e2f-1a0b9c8d7e6f',
  chargerId: 'CP-DEPOT-01',
  eventId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  requestId: '7a6b5c4d-3e2f-4a1b-9c0d-e1f2a3b4c5d6',
  name: 'Depot North',
  label: 'Fleet dashboard',
  email: 'owner@example.com',
  idTag: '04A2B3C4D5E6F7',
  parentIdTag: 'FLEET-GROUP-1',
  stopIdTag: '04A2B3C4D5E6F7',
  url: 'https://receiver.example.com/ocpp-events',
  authUrl: 'https://provider.example.com/oauth/token',
  sessionStartUrl: 'https://provider.example.com/sessions/start',
  sessionEndUrl: 'https://provider.example.com/sessions/end',
  authPayload: '••••••••',
  vendor: 'ExampleCharge',
  model: 'EC-22',
  serialNumber: 'EC22-000123',
  firmwareVersion: '1.8.2',
  nodeId: 'gateway-1',
  password: 'correct-horse-battery-staple',
  currentPassword: 'correct-horse-battery-staple',
  newPassword: 'a-new-long-passphrase-42',
  code: '492039',
  message: 'Installation not found',
  error: 'NOT_FOUND',
  field: 'name',
  connectorId: 1,
  evseId: 1,
  meterStart: 0,
  meterStop: 12400,
  energyWh: 12400,
  timeoutMs: 3000,
  status: 'Accepted',
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  broker: 'kafka.example.com:9092',
  topic: 'ocpp-events',
  countryCode: 'NL',
  partyId: 'EMS',
  versionsUrl: 'https://emsp.example.com/ocpi/versions',
};

const EXAMPLE_TIME = '2026-05-04T09:30:00.000Z';
const MAX_DEPTH = 16;

type Components = Record<string, Json>;

function resolve(schema: Json, components: Components): Json {
  const ref = schema.$ref;
  return typeof ref === 'string' ? (components[ref.replace('#/components/schemas/', '')] ?? {}) : schema;
}

/** Within the schema's length bounds. */
function fitted(schema: Json, text: string): string {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  return text.padEnd(min, 'x').slice(0, max);
}

function scalar(schema: Json, name: string | undefined): unknown {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (name && name in BY_NAME && (type === undefined || typeof BY_NAME[name] === (type === 'integer' ? 'number' : type))) {
    const value = BY_NAME[name];
    return typeof value === 'string' ? fitted(schema, value) : value;
  }
  if (type === 'string') return fitted(schema, schema.format === 'date-time' || /At$|Date$|Time$/.test(name ?? '') ? EXAMPLE_TIME : schema.format === 'uri' ? 'https://example.com/' : 'text');
  if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (type === 'boolean') return true;
  return type === undefined ? {} : undefined;
}

/** A value matching `schema` (as far as an example needs to). */
export function exampleOf(input: Json, components: Components, name?: string, depth = 0): unknown {
  const schema = resolve(input, components);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  for (const key of ['example', 'const', 'default'] as const) if (schema[key] !== undefined) return schema[key];
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null) ?? null;
  if (depth > MAX_DEPTH) return undefined;
  const next = (s: Json, n?: string) => exampleOf(s, components, n, depth + 1);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s) => next(s as Json, name)));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key] as Json[] | undefined;
    if (options) return next(options.find((s) => s.type !== 'null') ?? options[0], name);
  }
  if (schema.type === 'array') return schema.items ? [next(schema.items as Json, name?.replace(/s$/, ''))] : [];
  if (schema.type === 'object' || schema.properties) {
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    return Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, next(s, k)]).filter(([, v]) => v !== undefined));
  }
  return scalar(schema, name);
}

type Media = { schema?: Json; example?: unknown; examples?: unknown };
type Operation = { requestBody?: { content?: Record<string, Media> }; responses?: Record<string, { content?: Record<string, Media> }> };

function exemplify(content: Record<string, Media> | undefined, components: Components): void {
  const media = content?.['application/json'];
  if (media?.schema && media.example === undefined && media.examples === undefined) media.example = exampleOf(media.schema, components);
}

/** Adds an example to every JSON request and response body that has none. */
export function withExamples<T extends { paths: Record<string, Record<string, unknown>>; components: { schemas: Components } }>(doc: T): T {
  for (const item of Object.values(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters') continue;
      const operation = op as Operation;
      exemplify(operation.requestBody?.content, doc.components.schemas);
      for (const response of Object.values(operation.responses ?? {})) exemplify(response.content, doc.components.schemas);
    }
  }
  return doc;
}

import { createRequire } from 'node:module';
import { createValidator } from 'ocpp-rpc';

/** The official OCA JSON schemas of each version, as ocpp-rpc ships them (data only). */
const SCHEMA_FILES = {
  'ocpp1.6': 'ocpp-rpc/lib/schemas/ocpp1_6.json',
  'ocpp2.0.1': 'ocpp-rpc/lib/schemas/ocpp2_0_1.json',
  'ocpp2.1': 'ocpp-rpc/lib/schemas/ocpp2_1.json',
} as const;

export type Subprotocol = keyof typeof SCHEMA_FILES;

/** How each version's schema file names an action's request and response (2.1 renamed `.req`/`.conf`). */
const SCHEMA_IDS: Record<Subprotocol, (method: string) => { req: string; conf: string }> = {
  'ocpp1.6': (method) => ({ req: `urn:${method}.req`, conf: `urn:${method}.conf` }),
  'ocpp2.0.1': (method) => ({ req: `urn:${method}.req`, conf: `urn:${method}.conf` }),
  'ocpp2.1': (method) => ({ req: `urn:${method}Request`, conf: `urn:${method}Response` }),
};

/** Checks one version's messages; a failure throws an error carrying its OCPP-J code, message and details. */
export interface SchemaValidator {
  request(method: string, params: unknown): void;
  response(method: string, result: unknown): void;
}

const load = createRequire(import.meta.url);
const compiled = new Map<Subprotocol, SchemaValidator>();

/** One validator per version, built on first use and shared by every connection and command of it. */
export function schemaValidator(subprotocol: Subprotocol): SchemaValidator {
  let found = compiled.get(subprotocol);
  if (!found) compiled.set(subprotocol, (found = build(subprotocol)));
  return found;
}

/**
 * The schema files as data, without what means nothing: 2.1's enum definitions put
 * `additionalProperties` on strings, and Ajv's strict types warn on stderr about each one.
 */
export function schemasOf(subprotocol: Subprotocol): object[] {
  return JSON.parse(JSON.stringify(load(SCHEMA_FILES[subprotocol])), (_key, value) => {
    if (value?.type !== 'string' || !('additionalProperties' in value)) return value;
    const { additionalProperties: _ignored, ...rest } = value;
    return rest;
  });
}

function build(subprotocol: Subprotocol): SchemaValidator {
  const validator = createValidator(subprotocol, schemasOf(subprotocol));
  // Schema ids made once per action, not per message (only actions we handle or send get here).
  const ids = new Map<string, { req: string; conf: string }>();
  const idsOf = (method: string) => {
    let found = ids.get(method);
    if (!found) ids.set(method, (found = SCHEMA_IDS[subprotocol](method)));
    return found;
  };
  return {
    request: (method, params) => void validator.validate(idsOf(method).req, params),
    response: (method, result) => void validator.validate(idsOf(method).conf, result),
  };
}

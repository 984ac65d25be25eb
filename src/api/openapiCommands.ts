import { createRequire } from 'node:module';
import { COMMANDS_BY_VERSION, REMOTE_COMMANDS } from '../ocpp/commands.js';
import type { OcppVersion } from '../ocpp/context.js';
import { body, chargerId, common, failure, obj, ok, pathParam, ref, type Json } from './openapiParts.js';

/** Remote commands to a connected charger, in the OpenAPI document. */

/** How each version's OCA schema file is named and names a message; the prefix keeps component names apart (1.6 keeps the bare names it always had). */
const VERSIONS: Record<OcppVersion, { file: string; prefix: string; id: (action: string, kind: 'req' | 'conf') => string }> = {
  '1.6': { file: 'ocpp1_6', prefix: '', id: (a, kind) => `urn:${a}.${kind}` },
  '2.0.1': { file: 'ocpp2_0_1', prefix: 'Ocpp201', id: (a, kind) => `urn:${a}.${kind}` },
  '2.1': { file: 'ocpp2_1', prefix: 'Ocpp21', id: (a, kind) => `urn:${a}${kind === 'req' ? 'Request' : 'Response'}` },
};
const versions = Object.keys(VERSIONS) as OcppVersion[];
const requestName = (v: OcppVersion, action: string) => `${VERSIONS[v].prefix}${action}Request`;

const perVersion = versions.map((v) => `OCPP ${v}: ${COMMANDS_BY_VERSION[v].join(', ')}`).join('. ');

export const commandPaths = {
  '/api/chargers/{id}/commands/{action}': {
    parameters: [chargerId, pathParam('action', `The OCPP action to send; which ones depends on the charger's version (\`ocppVersion\`). ${perVersion}.`, { type: 'string', enum: [...REMOTE_COMMANDS] })],
    post: {
      tags: ['commands'], summary: 'Send a command to a connected charger and return its answer',
      description:
        "The body is the request payload of `action` in the charger's OCPP version, checked against that version's schema " +
        '(e.g. `{"type":"Soft"}` for a 1.6 Reset, `{"type":"Immediate"}` for a 2.0.1 one, `{}` for ClearCache). ' +
        `An action the charger's version does not have is \`COMMAND_NOT_SUPPORTED\`. ${perVersion}.`,
      requestBody: body({ anyOf: versions.flatMap((v) => COMMANDS_BY_VERSION[v].map((a) => ref(requestName(v, a)))) }),
      responses: {
        '200': ok("The charger's answer", ref('CommandResult')),
        '400': failure('COMMAND_INVALID', 'COMMAND_NOT_SUPPORTED', 'MALFORMED_JSON'),
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

export const commandResultSchemas = {
  CommandResult: obj({ action: { type: 'string', enum: [...REMOTE_COMMANDS] }, result: { type: 'object', description: 'The charger\'s answer payload, see <Action>Response (1.6), Ocpp201<Action>Response, Ocpp21<Action>Response' } }),
};

const load = createRequire(import.meta.url);

/**
 * One version's command schemas, straight from the files the validator enforces. 2.0.1 and 2.1
 * messages keep their types under `definitions`: those become components of their own (the same
 * type in two messages differs at most in its description) and the refs point there.
 */
function schemasOf(v: OcppVersion): Record<string, Json> {
  const { file, prefix, id } = VERSIONS[v];
  const all: Json[] = load(`ocpp-rpc/lib/schemas/${file}.json`);
  const out: Record<string, Json> = {};
  const add = (name: string, schema: Json, description: string) => {
    const { $id: _id, $schema: _dialect, comment: _comment, definitions = {}, ...rest } = schema;
    for (const [type, def] of Object.entries(definitions as Record<string, Json>)) out[`${prefix}${type}`] ??= relinked(def, prefix);
    out[name] = { description, ...relinked(rest, prefix) };
  };
  for (const action of COMMANDS_BY_VERSION[v]) {
    for (const kind of ['req', 'conf'] as const) {
      const schema = all.find((s) => s.$id === id(action, kind)) ?? {};
      add(`${prefix}${action}${kind === 'req' ? 'Request' : 'Response'}`, schema, `OCPP ${v} ${action}.${kind}`);
    }
  }
  return out;
}

/** `#/definitions/X` inside a message → the component `<prefix>X`. */
function relinked(schema: Json, prefix: string): Json {
  // Draft-06 leftovers OpenAPI 3.1's dialect has not: javaType (a generator hint) and additionalItems (inert beside a single `items`).
  const dropped = (key: string, value: unknown) => (key === 'javaType' || key === 'additionalItems' ? undefined : value);
  return JSON.parse(JSON.stringify(schema).replace(/"#\/definitions\/(\w+)"/g, `"#/components/schemas/${prefix}$1"`), dropped);
}

export const ocppCommandSchemas = Object.assign({}, ...versions.map(schemasOf)) as Record<string, Json>;

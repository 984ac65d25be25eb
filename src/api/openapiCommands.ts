import { createRequire } from 'node:module';
import { REMOTE_COMMANDS } from '../ocpp/commands.js';
import { body, chargerId, common, failure, obj, ok, pathParam, ref, type Json } from './openapiParts.js';

/** Remote commands to a connected charger, in the OpenAPI document. */

export const commandPaths = {
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

export const commandResultSchemas = {
  CommandResult: obj({ action: { type: 'string', enum: [...REMOTE_COMMANDS] }, result: { type: 'object', description: 'The OCPP .conf payload, see <Action>Response' } }),
};

/** The OCPP 1.6 JSON schemas of the remote commands, straight from the validator that enforces them. */
const ocpp16Schemas: Json[] = createRequire(import.meta.url)('ocpp-rpc/lib/schemas/ocpp1_6.json');
function ocppSchema(id: string): Json {
  const { $id: _id, $schema: _dialect, ...rest } = ocpp16Schemas.find((s) => s.$id === id) ?? {};
  return rest;
}
export const ocppCommandSchemas = Object.fromEntries(
  REMOTE_COMMANDS.flatMap((action) => [
    [`${action}Request`, { description: `OCPP 1.6 ${action}.req`, ...ocppSchema(`urn:${action}.req`) }],
    [`${action}Response`, { description: `OCPP 1.6 ${action}.conf`, ...ocppSchema(`urn:${action}.conf`) }],
  ]),
);

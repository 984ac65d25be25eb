import { api } from './api.js';

/** A JSON schema as the OpenAPI document carries an OCPP request (refs resolved here). */
export interface Schema {
  type?: string;
  enum?: string[];
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  $ref?: string;
}

export interface CommandSchema {
  action: string;
  schema: Schema;
}

/** How the OpenAPI document names a version's request components (src/api/openapiCommands.ts). */
const PREFIX: Record<string, string> = { '1.6': '', '2.0.1': 'Ocpp201', '2.1': 'Ocpp21' };

let document: Promise<any> | undefined;

function resolve(schema: Schema, components: Record<string, Schema>, depth = 0): Schema {
  if (depth > 12) return schema;
  const s = schema.$ref ? components[schema.$ref.replace('#/components/schemas/', '')] ?? {} : schema;
  const properties = s.properties && Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolve(v, components, depth + 1)]));
  return { ...s, ...(properties && { properties }), ...(s.items && { items: resolve(s.items, components, depth + 1) }) };
}

/**
 * The commands of one OCPP version with the request schema the gateway checks them against, read
 * from the gateway's own OpenAPI document, so a form is built from the very schema that validates it.
 */
export async function commandsFor(version: string): Promise<CommandSchema[]> {
  document ??= api('GET', '/api/openapi.json').catch((err) => {
    document = undefined;
    throw err;
  });
  const doc = await document;
  const components: Record<string, Schema> = doc.components.schemas;
  const actions: string[] = doc.paths['/api/chargers/{id}/commands/{action}'].parameters.find((p: any) => p.name === 'action').schema.enum;
  return actions
    .filter((a) => components[`${PREFIX[version]}${a}Request`])
    .map((action) => ({ action, schema: resolve(components[`${PREFIX[version]}${action}Request`], components) }));
}

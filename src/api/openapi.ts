import { API_ERRORS } from './errors.js';
import { ok, ref } from './openapiParts.js';
import { chargerPaths, chargerRegistrationPaths, chargerSchemas, chargerSecurityPaths } from './openapiChargers.js';
import { commandPaths, commandResultSchemas, ocppCommandSchemas } from './openapiCommands.js';
import { idTagPaths, idTagSchemas, installationPaths, installationSchemas, statusPaths, statusSchemas } from './openapiInstallations.js';
import { subscriptionPaths, subscriptionSchemas } from './openapiSubscriptions.js';
import { transactionPaths, transactionSchemas } from './openapiTransactions.js';
import { userPaths, userSchemas } from './openapiUsers.js';
import { dashboardPaths, dashboardSchemas } from './openapiDashboard.js';
import { OPERATION_IDS } from './openapiOperations.js';
import { withExamples } from './openapiExamples.js';
import { ocpiPaths, ocpiSchemas } from './openapiOcpi.js';

/**
 * The OpenAPI 3.1 description of the REST API. Request bodies and query parameters are
 * generated from the zod schemas the routes validate with, so the document cannot drift from
 * what is enforced; responses are described by hand in the parts (openapi<Resource>.ts). A test
 * checks that every registered route appears here.
 */

const healthPaths = {
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
};

const described = {
  openapi: '3.1.0',
  info: {
    title: 'OCPP authorization gateway',
    version: '0.1.0',
    description: 'REST API for site owners: installations, chargers, id tags, transactions, remote commands, subscriptions, users, members, API tokens and the audit log.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  // Relative: the document is served by the gateway it describes, at whatever address it is reached.
  servers: [{ url: '/', description: 'This gateway' }],
  security: [{ bearerAuth: [] }, { cookieAuth: [] }],
  // Parts are spread in the order the document has always listed them, so it stays byte for byte the same.
  paths: {
    ...healthPaths,
    ...installationPaths,
    ...chargerPaths,
    ...idTagPaths,
    ...transactionPaths,
    ...commandPaths,
    ...subscriptionPaths,
    ...chargerSecurityPaths,
    ...chargerRegistrationPaths,
    ...userPaths,
    ...statusPaths,
    ...dashboardPaths,
    ...ocpiPaths,
  },
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN (operator admin) or a stored API token (a role on some installations)' },
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'gw_session', description: 'Portal session from POST /api/auth/login; unsafe methods also need the x-csrf-token header' },
    },
    schemas: {
      ...installationSchemas,
      ...chargerSchemas,
      ...idTagSchemas,
      ...transactionSchemas,
      ...commandResultSchemas,
      ...subscriptionSchemas,
      ...userSchemas,
      ...statusSchemas,
      ...dashboardSchemas,
      ...ocpiSchemas,
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
          requestId: { type: 'string', description: 'INTERNAL only (every response has it in x-request-id): quote it to the operator, whose log has the cause' },
        },
      },
      FieldError: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', description: 'Dotted path, or "(body)" for the whole body' }, message: { type: 'string' } },
      },
      ...ocppCommandSchemas,
    },
  },
};

/** Every operation's operationId from the table (test/api/openapi-lint.test.ts fails on one missing, naming it). */
function withOperationIds<T extends { paths: Record<string, Record<string, unknown>> }>(doc: T): T {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const operationId = OPERATION_IDS[`${method.toUpperCase()} ${path}`];
      if (method !== 'parameters' && operationId) item[method] = { operationId, ...(op as object) };
    }
  }
  return doc;
}

export const openApiDocument = withExamples(withOperationIds(described));

import { body, common, failure, fromZod, installationId, obj, ok, orNull, pathParam, ref, str, time, withBody } from './openapiParts.js';
import { connectBody, pullBody } from './routes/ocpiPartners.js';
import { sourcesBody } from './routes/authorizationSources.js';
import { locationBody } from './routes/installationLocation.js';

/** OCPI partners (eMSPs) and an installation's order of authorization sources (docs/ocpi.md). */
const partnerId = pathParam('id', 'Partner id (UUID)');
const adminOnly = { '403': failure('FORBIDDEN', 'SECOND_FACTOR_REQUIRED', 'SECOND_FACTOR_ENROLMENT_REQUIRED', 'CSRF_FAILED'), '409': failure('OCPI_NOT_CONFIGURED') };

export const ocpiPaths = {
  '/api/ocpi/partners': {
    get: {
      tags: ['ocpi'],
      summary: 'OCPI partners with their state and last error (operator admins)',
      responses: { '200': ok('Partners, oldest first', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('OcpiPartner') } } }), ...common, ...adminOnly },
    },
    post: {
      tags: ['ocpi'],
      summary: 'Connect an eMSP',
      description:
        'With `versionsUrl` and `tokenA` (given by the eMSP) the gateway registers with it: reads its 2.2.1 endpoints, sends its credentials with a new token B and keeps the token C it answers. ' +
        'Without them the gateway issues a token A, returned once here with `ourVersionsUrl`, for the eMSP to register with. Credentials tokens are stored sealed and never shown again.',
      requestBody: body(fromZod(connectBody)),
      responses: {
        '201': ok('Connected (registered) or waiting for the eMSP (pending, with tokenA)', ref('OcpiPartnerCreated')),
        '502': failure('OCPI_HANDSHAKE_FAILED'),
        ...withBody,
        ...adminOnly,
        '409': failure('CONFLICT', 'OCPI_NOT_CONFIGURED'),
      },
    },
  },
  '/api/ocpi/partners/{id}': {
    parameters: [partnerId],
    get: { tags: ['ocpi'], summary: 'One OCPI partner', responses: { '200': ok('The partner', ref('OcpiPartner')), '404': failure('NOT_FOUND'), ...common, ...adminOnly } },
    delete: {
      tags: ['ocpi'],
      summary: 'Unregister: tell the eMSP (DELETE credentials) and forget both tokens',
      responses: { '200': ok('The partner, unregistered; lastError says when the eMSP could not be told', ref('OcpiPartner')), '404': failure('NOT_FOUND'), ...common, ...adminOnly },
    },
  },
  '/api/ocpi/partners/{id}/credentials': {
    parameters: [partnerId],
    put: {
      tags: ['ocpi'],
      summary: 'Update the credentials: new tokens both ways, the eMSP\'s endpoints read again',
      responses: {
        '200': ok('The partner', ref('OcpiPartner')),
        '404': failure('NOT_FOUND'),
        '409': failure('CONFLICT', 'OCPI_NOT_CONFIGURED'),
        '502': failure('OCPI_HANDSHAKE_FAILED'),
        ...common,
        '403': adminOnly['403'],
      },
    },
  },
  '/api/ocpi/partners/{id}/tokens': {
    parameters: [partnerId],
    get: {
      tags: ['ocpi'],
      summary: 'Tokens the eMSP pushed (OCPI Token objects, as received; the first 500)',
      responses: { '200': ok('Tokens', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object' } } } }), '404': failure('NOT_FOUND'), ...common, ...adminOnly },
    },
  },
  '/api/ocpi/partners/{id}/tokens/pull': {
    parameters: [partnerId],
    post: {
      tags: ['ocpi'],
      summary: "Pull the eMSP's token list now (its tokens Sender, every page); also done once a partner registers",
      requestBody: body(fromZod(pullBody)),
      responses: {
        '200': ok('What was taken', ref('OcpiTokenPull')),
        '404': failure('NOT_FOUND'),
        '502': failure('OCPI_PULL_FAILED'),
        ...withBody,
        ...adminOnly,
        '409': failure('CONFLICT', 'OCPI_NOT_CONFIGURED'),
      },
    },
  },
  '/api/installations/{id}/authorization-sources': {
    parameters: [installationId],
    get: { tags: ['installations'], summary: 'Who decides, in which order', responses: { '200': ok('The order', ref('AuthorizationSources')), '404': failure('NOT_FOUND'), ...common } },
    put: {
      tags: ['installations'],
      summary: 'Choose the order: native id tags, the webhook provider, OCPI partners (owners); null goes back to webhook, native',
      requestBody: body(fromZod(sourcesBody)),
      responses: { '200': ok('The order', ref('AuthorizationSources')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
  '/api/installations/{id}/location': {
    parameters: [installationId],
    get: { tags: ['installations'], summary: 'Where the installation is, for roaming partners', responses: { '200': ok('The location', ref('InstallationLocation')), '404': failure('NOT_FOUND'), ...common } },
    put: {
      tags: ['installations'],
      summary: 'Set where the installation is (owners): published to OCPI partners as a Location while OCPI is among its sources; null takes it off',
      requestBody: body(fromZod(locationBody)),
      responses: { '200': ok('The location', ref('InstallationLocation')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
};

const partner = {
  id: str,
  countryCode: str,
  partyId: str,
  roles: { type: 'array', items: { type: 'object' }, description: 'OCPI CredentialsRole objects the eMSP sent' },
  versionsUrl: orNull(str),
  version: orNull(str),
  endpoints: { type: 'array', items: { type: 'object', properties: { identifier: str, role: { type: 'string', enum: ['SENDER', 'RECEIVER'] }, url: str } } },
  state: { type: 'string', enum: ['pending', 'registered', 'unregistered', 'failed'] },
  lastError: orNull(str),
  lastErrorAt: orNull(time),
  createdAt: time,
  updatedAt: time,
};

export const ocpiSchemas = {
  OcpiPartner: obj(partner),
  OcpiPartnerCreated: obj({ ...partner, ourVersionsUrl: str }, {}, { tokenA: { ...str, description: 'Only when the gateway issued it: give it to the eMSP; it is not shown again' } }),
  OcpiTokenPull: obj({
    pages: { type: 'integer', description: 'Pages read' },
    stored: { type: 'integer', description: 'Tokens kept (new or updated)' },
    skipped: { type: 'integer', description: 'Tokens not taken: invalid, or of a party that is not this connection' },
    problems: { type: 'array', items: str, description: 'Why, for the first few skipped' },
  }),
  InstallationLocation: obj({
    location: { ...(fromZod(locationBody).properties as Record<string, object>).location, description: 'null: none; OCPI partners see no Location' },
    published: { type: 'boolean', description: 'OCPI partners see it: it has a location and OCPI is among its sources' },
  }),
  AuthorizationSources: obj({
    sources: { type: 'array', items: { type: 'string', enum: ['native', 'webhook', 'ocpi'] } },
    chosen: { type: 'boolean', description: 'false: the default order' },
  }),
};

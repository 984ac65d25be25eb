import { body, common, failure, fromZod, installationId, list, noContent, obj, ok, orNull, pathParam, queryParams, ref, str, time, withBody } from './openapiParts.js';
import { codeBody, loginBody, passwordBody } from './routes/auth.js';
import { createUserBody, updateUserBody } from './routes/users.js';
import { addMemberBody, updateMemberBody } from './routes/members.js';
import { createTokenBody } from './routes/tokens.js';
import { auditQuery } from './routes/audit.js';

/** Sign-in, users, members, API tokens and the audit log, in the OpenAPI document. */

const bool = { type: 'boolean' };
const role = { type: 'string', enum: ['owner', 'service'] };
const cookieNote = 'Portal sessions: send the `x-csrf-token` header on POST/PATCH/PUT/DELETE.';
const owner = 'Owners of the installation and admins; anyone else gets 404.';
const fresh = 'A portal session needs a second factor proven lately (POST /api/auth/step-up); bearer tokens do not.';

export const userPaths = {
  '/api/auth/login': {
    post: {
      tags: ['auth'], summary: 'Sign in to the portal; sets the gw_session cookie (HttpOnly, SameSite=Strict)', security: [],
      description: 'Unknown email and wrong password answer alike. With TOTP set up, `code` (or a recovery code, once) is required.',
      requestBody: body(fromZod(loginBody)),
      responses: {
        '200': ok('Signed in', ref('SignedIn')),
        '429': { ...failure('RATE_LIMITED'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds' } } },
        ...withBody,
        // After withBody, whose 401 is the generic one.
        '401': failure('INVALID_CREDENTIALS', 'SECOND_FACTOR_REQUIRED'),
      },
    },
  },
  '/api/auth/logout': {
    post: { tags: ['auth'], summary: 'Sign out; the cookie is cleared', description: cookieNote, responses: { '204': noContent, ...common } },
  },
  '/api/auth/me': {
    get: { tags: ['auth'], summary: 'The signed-in user, their memberships and second-factor state', responses: { '200': ok('The session', ref('Me')), ...common } },
  },
  '/api/auth/totp/enrol': {
    post: {
      tags: ['auth'], summary: 'Start TOTP enrolment: a new pending secret (replaces a pending one)', description: cookieNote,
      responses: { '200': ok('Show the QR code or the secret', obj({ secret: str, otpauthUrl: str, qrSvg: str })), '409': failure('CONFLICT'), ...common },
    },
  },
  '/api/auth/totp/confirm': {
    post: {
      tags: ['auth'], summary: 'Confirm enrolment with a first code; returns 10 one-time recovery codes, shown once',
      requestBody: body(fromZod(codeBody)),
      responses: { '200': ok('Recovery codes', obj({ recoveryCodes: { type: 'array', items: str } })), ...withBody },
    },
  },
  '/api/auth/step-up': {
    post: {
      tags: ['auth'], summary: 'Prove the second factor again: credentials and subscriptions unlock for a while',
      requestBody: body(fromZod(codeBody)),
      responses: {
        '200': ok('Fresh until', obj({ freshUntil: time })),
        '429': failure('RATE_LIMITED'),
        ...withBody,
      },
    },
  },
  '/api/auth/password': {
    post: {
      tags: ['auth'], summary: "Change the caller's own password; their other sessions are signed out", description: cookieNote,
      requestBody: body(fromZod(passwordBody)),
      responses: { '204': noContent, '429': failure('RATE_LIMITED'), ...withBody },
    },
  },
  '/api/auth/totp': {
    delete: {
      tags: ['auth'], summary: "Remove the caller's own second factor (needs a fresh one: POST /api/auth/step-up)", description: cookieNote,
      responses: { '204': noContent, ...common },
    },
  },

  '/api/users': {
    post: {
      tags: ['users'], summary: 'Create a user (admins only)', description: fresh, requestBody: body(fromZod(createUserBody)),
      responses: { '201': ok('Created', ref('User')), '409': failure('CONFLICT'), ...withBody },
    },
    get: { tags: ['users'], summary: 'List users (admins only)', responses: { '200': ok('Users', list('UserListed')), ...common } },
  },
  '/api/users/{id}': {
    parameters: [pathParam('id', 'User id')],
    patch: {
      tags: ['users'], summary: 'Change a user (admins only); a new password signs them out everywhere', description: fresh, requestBody: body(fromZod(updateUserBody)),
      responses: { '200': ok('Updated', ref('User')), '404': failure('NOT_FOUND'), '409': failure('LAST_ADMIN'), ...withBody },
    },
    delete: {
      tags: ['users'], summary: 'Delete a user with their sessions, memberships and second factor (admins only); tokens they created stay', description: fresh,
      responses: { '204': noContent, '404': failure('NOT_FOUND'), '409': failure('CONFLICT', 'LAST_OWNER', 'LAST_ADMIN'), ...common },
    },
  },
  '/api/users/{id}/second-factor': {
    parameters: [pathParam('id', 'User id')],
    delete: {
      tags: ['users'], summary: "Reset a user's second factor (a lost authenticator; admins only): they enrol again, and are signed out", description: fresh,
      responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common },
    },
  },

  '/api/installations/{id}/members': {
    parameters: [installationId],
    get: { tags: ['members'], summary: "The installation's members", description: owner, responses: { '200': ok('Members', { type: 'array', items: ref('Member') }), '404': failure('NOT_FOUND'), ...common } },
    post: {
      tags: ['members'], summary: 'Add an existing user as owner or service (or change their role)', description: owner,
      requestBody: body(fromZod(addMemberBody)),
      responses: { '201': ok('Added', ref('Member')), '200': ok('Role changed', ref('Member')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
  '/api/installations/{id}/members/{userId}': {
    parameters: [installationId, pathParam('userId', 'User id')],
    patch: {
      tags: ['members'], summary: "Change a member's role", description: owner, requestBody: body(fromZod(updateMemberBody)),
      responses: { '200': ok('Updated', ref('Member')), '404': failure('NOT_FOUND'), '409': failure('LAST_OWNER'), ...withBody },
    },
    delete: { tags: ['members'], summary: 'Remove a member', description: owner, responses: { '204': noContent, '404': failure('NOT_FOUND'), '409': failure('LAST_OWNER'), ...common } },
  },

  '/api/tokens': {
    post: {
      tags: ['tokens'], summary: 'Create an API token scoped to installations and a role; the token is returned this once',
      description: `Non-admins may only name installations they own, and cannot create admin tokens. ${fresh}`,
      requestBody: body(fromZod(createTokenBody)),
      responses: { '201': ok('Created', ref('TokenCreated')), ...withBody },
    },
    get: { tags: ['tokens'], summary: 'Tokens the caller may manage (never their values)', responses: { '200': ok('Tokens', list('Token')), ...common } },
  },
  '/api/tokens/{id}': {
    parameters: [pathParam('id', 'Token id')],
    delete: { tags: ['tokens'], summary: 'Revoke a token', responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common } },
  },

  '/api/installations/{id}/audit': {
    parameters: [installationId],
    get: {
      tags: ['audit'], summary: 'Configuration changes, newest first; secrets appear only as `changed: true`', description: owner,
      parameters: queryParams(auditQuery),
      responses: { '200': ok('Entries', list('AuditEntry')), '400': failure('VALIDATION_FAILED'), '404': failure('NOT_FOUND'), ...common },
    },
  },
};

const user = obj({ id: str, email: str, name: orNull(str), admin: bool });
const secondFactor = obj({ enrolled: bool, fresh: bool }, {}, { freshUntil: time });
const scope = { role: { type: 'string', enum: ['admin', 'owner', 'service'] }, installations: { type: 'array', items: str } };

export const userSchemas = {
  User: user,
  UserListed: obj({ id: str, email: str, name: orNull(str), admin: bool, secondFactor: bool }),
  SignedIn: obj({ user: ref('User'), csrfToken: str, secondFactor }),
  Me: obj({ user: ref('User'), csrfToken: str, memberships: { type: 'array', items: obj({ installationId: str, installationName: str, role }) }, secondFactor }),
  Member: obj({ userId: str, email: str, name: orNull(str), role }),
  Token: obj({ id: str, label: str, ...scope, createdBy: orNull(str), createdAt: time }),
  TokenCreated: obj({ id: str, label: str, ...scope, createdAt: time, token: { type: 'string', description: 'Shown once; stored hashed' } }),
  AuditEntry: obj({
    id: { type: 'integer' },
    at: time,
    actor: obj({ kind: { type: 'string', enum: ['user', 'token', 'admin-token', 'operator'] }, label: str }, {}, { id: str }),
    action: str,
    target: str,
    changes: {
      type: 'object',
      additionalProperties: { type: 'object', properties: { from: {}, to: {}, changed: { const: true } } },
      description: 'Per setting; secrets show only `changed: true`',
    },
  }),
};

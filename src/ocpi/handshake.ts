import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log.js';
import type { OcpiPartnerStore, Partner, PartnerEndpoint, PartnerRole } from '../store/ocpiPartners.js';
import { callPartner, dataOf, HandshakeError } from './client.js';
import { OCPI_VERSION, ownCredentials, type OwnParty } from './party.js';

/** Handshake calls are not on a charger's path: a slow eMSP gets longer than an Authorize would. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** 64 printable characters, the longest a credentials token may be. */
export const newCredentialsToken = () => randomBytes(48).toString('base64url');

const roleSchema = z.looseObject({
  role: z.string().min(1),
  country_code: z.string().regex(/^[A-Za-z]{2}$/),
  party_id: z.string().regex(/^[A-Za-z0-9]{3}$/),
  business_details: z.looseObject({ name: z.string().min(1).max(100) }),
});

export const credentialsSchema = z.looseObject({
  token: z.string().regex(/^[\x21-\x7e]{1,64}$/, 'printable ASCII without spaces, at most 64 characters'),
  url: z.url({ protocol: /^https?$/ }),
  roles: z.array(roleSchema).min(1),
});
export type Credentials = z.infer<typeof credentialsSchema>;

const versionsSchema = z.array(z.looseObject({ version: z.string(), url: z.string() }));
const detailsSchema = z.looseObject({
  version: z.string(),
  endpoints: z.array(z.looseObject({ identifier: z.string(), role: z.enum(['SENDER', 'RECEIVER']), url: z.string() })),
});

export interface HandshakeDeps {
  http: HttpClient;
  partners: OcpiPartnerStore;
  party: OwnParty;
  log: Logger;
}

function parsed<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HandshakeError(`${what}: not OCPI (${r.error.issues[0]?.path.join('.') || 'body'} ${r.error.issues[0]?.message})`);
  return r.data;
}

/** Their 2.2.1 endpoints, read from their versions URL with the token they know us by. */
export async function fetchEndpoints(http: HttpClient, versionsUrl: string, token: string): Promise<PartnerEndpoint[]> {
  const call = (url: string) => callPartner(http, { method: 'GET', url, token, timeoutMs: HANDSHAKE_TIMEOUT_MS });
  const versions = parsed('versions', versionsSchema, dataOf('versions', await call(versionsUrl)));
  const ours = versions.find((v) => v.version === OCPI_VERSION);
  if (!ours) throw new HandshakeError(`versions: no ${OCPI_VERSION} among ${versions.map((v) => v.version).join(', ') || 'none'}`);
  const details = parsed('version details', detailsSchema, dataOf('version details', await call(ours.url)));
  return details.endpoints.map(({ identifier, role, url }) => ({ identifier, role, url }));
}

export const endpointOf = (p: Pick<Partner, 'endpoints'>, identifier: string, role: PartnerEndpoint['role']) =>
  p.endpoints.find((e) => e.identifier === identifier && e.role === role)?.url;

const firstRole = (roles: PartnerRole[]) => ({ countryCode: roles[0]!.country_code, partyId: roles[0]!.party_id });

/**
 * We are the credentials Sender (the eMSP gave us its versions URL and token A): read its
 * endpoints, send our credentials with a fresh token B, keep the token C it answers with.
 * `method` PUT updates a registered partner (new tokens both ways, endpoints read again).
 */
export async function sendCredentials(deps: HandshakeDeps, partner: Partner, base: string, method: 'POST' | 'PUT'): Promise<Partner> {
  const token = partner.outboundToken;
  if (!partner.versionsUrl || !token) throw new HandshakeError('no versions URL or token to start from');
  try {
    const endpoints = await fetchEndpoints(deps.http, partner.versionsUrl, token);
    const credentialsUrl = endpointOf({ endpoints }, 'credentials', 'RECEIVER') ?? endpointOf({ endpoints }, 'credentials', 'SENDER');
    if (!credentialsUrl) throw new HandshakeError('version details: no credentials endpoint');
    const tokenB = newCredentialsToken();
    // Token B must open our versions before the POST: the eMSP reads them before answering.
    await deps.partners.update(partner.id, { inboundToken: tokenB, endpoints });
    const answer = await callPartner(deps.http, { method, url: credentialsUrl, token, body: ownCredentials(deps.party, base, tokenB), timeoutMs: HANDSHAKE_TIMEOUT_MS });
    const theirs = parsed('credentials', credentialsSchema, dataOf('credentials', answer));
    const updated = await deps.partners.update(partner.id, {
      ...firstRole(theirs.roles as PartnerRole[]),
      roles: theirs.roles as PartnerRole[],
      versionsUrl: theirs.url,
      outboundToken: theirs.token,
      state: 'registered',
      lastError: null,
    });
    return updated!;
  } catch (err) {
    if (!(err instanceof HandshakeError)) throw err;
    deps.log.warn({ partnerId: partner.id, error: err.message }, 'OCPI credentials handshake failed');
    const keep = partner.state === 'registered' ? {} : { state: 'failed' as const, inboundToken: null };
    return (await deps.partners.update(partner.id, { ...keep, lastError: err.message }))!;
  }
}

/**
 * We are the credentials Receiver (the eMSP came with a token A we issued, or re-registers with
 * PUT): read its endpoints with the token B it sent, and answer our credentials with a fresh C.
 */
export async function receiveCredentials(deps: HandshakeDeps, partner: Partner, theirs: Credentials, base: string) {
  const endpoints = await fetchEndpoints(deps.http, theirs.url, theirs.token);
  const tokenC = newCredentialsToken();
  await deps.partners.update(partner.id, {
    ...firstRole(theirs.roles as PartnerRole[]),
    roles: theirs.roles as PartnerRole[],
    versionsUrl: theirs.url,
    endpoints,
    outboundToken: theirs.token,
    inboundToken: tokenC,
    state: 'registered',
    lastError: null,
  });
  return ownCredentials(deps.party, base, tokenC);
}

/** We end the connection: tell the eMSP (best effort) and forget both tokens. */
export async function unregister(deps: HandshakeDeps, partner: Partner): Promise<Partner> {
  const url = endpointOf(partner, 'credentials', 'RECEIVER') ?? endpointOf(partner, 'credentials', 'SENDER');
  let lastError: string | null = null;
  if (partner.state === 'registered' && url && partner.outboundToken) {
    const r = await callPartner(deps.http, { method: 'DELETE', url, token: partner.outboundToken, timeoutMs: HANDSHAKE_TIMEOUT_MS });
    if (r.kind === 'unreachable' || r.statusCode !== 1000) lastError = `unregister: ${r.kind === 'unreachable' ? `unreachable (${r.reason})` : `OCPI status ${r.statusCode}`}; forgotten here anyway`;
  }
  return (await deps.partners.update(partner.id, { state: 'unregistered', inboundToken: null, outboundToken: null, lastError }))!;
}

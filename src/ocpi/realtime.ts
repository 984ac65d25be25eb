import type { HttpClient } from '../http/client.js';
import type { Store } from '../store/index.js';
import type { Partner } from '../store/ocpiPartners.js';
import type { Allowed, RealtimeAnswer, RealtimeRequest, RoamingToken } from '../authorization/roaming.js';
import type { RoamingTokenRef } from '../authorization/types.js';
import { callPartner } from './client.js';
import { OCPI_STATUS } from './envelope.js';
import { endpointOf } from './handshake.js';
import { cachedIdTags } from '../authorization/idTagCache.js';
import type { StoredToken } from '../store/ocpiTokens.js';

/** The Token fields a session's cdr_token carries; undefined when the eMSP's token lacks one. */
function cdrToken(t: Partial<Record<keyof RoamingTokenRef, unknown>> | undefined): RoamingTokenRef | undefined {
  const fields = ['country_code', 'party_id', 'uid', 'type', 'contract_id'] as const;
  if (!t || fields.some((f) => typeof t[f] !== 'string' || !t[f])) return undefined;
  return { country_code: t.country_code as string, party_id: t.party_id as string, uid: t.uid as string, type: t.type as string, contract_id: t.contract_id as string };
}

const ALLOWED: ReadonlySet<string> = new Set<Allowed>(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED']);

/** {tokens endpoint}{uid}/authorize?type= (OCPI 2.2.1 §12.2.2.2), whether or not the endpoint ends in a slash. */
export const authorizeUrl = (tokensUrl: string, uid: string, type: string) =>
  `${tokensUrl.replace(/\/+$/, '')}/${encodeURIComponent(uid)}/authorize?type=${encodeURIComponent(type)}`;

/**
 * The OCPI side of roaming decisions: pushed tokens of registered partners, and the real-time
 * call. Registered partners are kept in memory, pushed tokens for a short TTL as native id tags
 * are (keyed by type and uid); a change through this node forgets them at once.
 */
export function createRoamingCalls(deps: { store: Store; http: HttpClient; tokenCacheTtlMs: number }) {
  const pushed = cachedIdTags<StoredToken[]>((type, uid) => deps.store.ocpiTokens.byUid(uid, type), { ttlMs: deps.tokenCacheTtlMs });
  let registered: Promise<Map<string, Partner>> | undefined;
  const partners = () =>
    (registered ??= deps.store.ocpiPartners.list().then((all) => new Map(all.filter((p) => p.state === 'registered').map((p) => [p.id, p]))).catch((err) => {
      registered = undefined;
      throw err;
    }));

  return {
    partnersChanged(): void {
      registered = undefined;
    },
    tokenChanged(uid: string, type: string): void {
      pushed.forget(type, uid);
    },

    async findTokens(uid: string, type: string): Promise<RoamingToken[]> {
      const [stored, known] = await Promise.all([pushed.find(type, uid), partners()]);
      return (stored ?? [])
        .filter((s) => known.has(s.partnerId))
        .map((s) => ({ partnerId: s.partnerId, ref: { country_code: s.token.country_code, party_id: s.token.party_id, uid: s.token.uid, type: s.token.type, contract_id: s.token.contract_id }, valid: s.token.valid, whitelist: s.token.whitelist, groupId: s.token.group_id ?? null }));
    },

    async realtimePartners(): Promise<string[]> {
      return [...(await partners()).values()].filter((p) => endpointOf(p, 'tokens', 'SENDER')).map((p) => p.id);
    },

    /** The location is the installation, its EVSE the charger (OCPI LocationReferences). */
    async authorize(partnerId: string, req: RealtimeRequest): Promise<RealtimeAnswer> {
      const partner = (await partners()).get(partnerId);
      const tokensUrl = partner && endpointOf(partner, 'tokens', 'SENDER');
      if (!partner?.outboundToken || !tokensUrl) return { kind: 'unreachable', reason: 'not_registered' };
      const r = await callPartner<{ allowed?: string; authorization_reference?: string; token?: Record<string, unknown> }>(deps.http, {
        method: 'POST',
        url: authorizeUrl(tokensUrl, req.uid, req.type),
        token: partner.outboundToken,
        body: { location_id: req.installationId, evse_uids: [req.chargerId] },
        timeoutMs: req.timeoutMs,
      });
      if (r.kind === 'unreachable') return r;
      if (r.statusCode === OCPI_STATUS.UNKNOWN_TOKEN || r.httpStatus === 404) return { kind: 'unknown' };
      const allowed = r.data?.allowed;
      if (r.statusCode !== OCPI_STATUS.SUCCESS || typeof allowed !== 'string' || !ALLOWED.has(allowed)) {
        return { kind: 'unreachable', reason: `ocpi_status_${r.statusCode}` };
      }
      const reference = r.data?.authorization_reference;
      const token = cdrToken(r.data?.token);
      return {
        kind: 'answered',
        allowed: allowed as Allowed,
        ...(typeof reference === 'string' && reference && { authorizationReference: reference.slice(0, 36) }),
        ...(token && { token }),
      };
    },
  };
}

export type RoamingCalls = ReturnType<typeof createRoamingCalls>;

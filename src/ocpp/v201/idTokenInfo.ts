import type { Decision } from '../../authorization/types.js';

/** OCPP 2.0.1 IdTokenInfoType, as far as a decision fills it. */
export interface IdTokenInfo {
  status: Decision['status'];
  cacheExpiryDateTime?: string;
  groupIdToken?: { idToken: string; type: string };
}

/** The parent tag is a group the site owner names; 2.0.1 calls a token of ours Central. */
export const groupIdToken = (parentIdTag: string) => ({ idToken: parentIdTag, type: 'Central' });

/** "Do not cache" as a time: clearly past even on a charger whose clock is some hours behind. */
const PAST_MS = 24 * 3600_000;

/** The 2.0.1 shape of a decision (the 1.6 one is idTagInfo.ts). */
export function toIdTokenInfo(d: Decision, o: { cacheTtlSec: number; now?: number }): IdTokenInfo {
  const info: IdTokenInfo = { status: d.status };
  const expiry = cacheExpiry(d, o.cacheTtlSec, o.now ?? Date.now());
  if (expiry) info.cacheExpiryDateTime = expiry;
  if (d.parentIdTag) info.groupIdToken = groupIdToken(d.parentIdTag);
  return info;
}

/**
 * Until when the charger may answer the token from its authorization cache. A native tag: its
 * expiry date (none: the charger's own cache lifetime). A provider decision: as long as the
 * gateway itself would reuse it (decisionCacheTtlSec, capped by its expiry date). A decision
 * made without the provider while it was unreachable, or with caching off, must not be cached:
 * a time in the past.
 */
function cacheExpiry(d: Decision, cacheTtlSec: number, now: number): string | undefined {
  const past = new Date(now - PAST_MS).toISOString();
  if (d.source === 'offline' || d.reason === 'provider_unreachable_cached_acceptance' || d.noCache || d.roaming?.realtimeOnly) return past;
  if (d.source === 'native' || d.source === 'default') return d.expiryDate;
  if (cacheTtlSec === 0) return past;
  const ttlEnd = now + cacheTtlSec * 1000;
  const end = d.expiryDate ? Math.min(Date.parse(d.expiryDate), ttlEnd) : ttlEnd;
  return new Date(end).toISOString();
}

import { LRUCache } from 'lru-cache';
import { idTagKey } from '../store/idTags.js';
import { startsSession, type AuthorizationRequest, type AuthorizationTrigger, type Decision } from './types.js';

interface Entry {
  decision: Decision;
  freshUntil: number;
  /** A provider session id is handed to one transaction only. */
  sessionIdUsed: boolean;
}

export interface DecisionCache {
  /** A decision young enough to answer without asking the provider. */
  fresh(installationId: string, idTag: string, trigger: AuthorizationTrigger): Decision | undefined;
  /** An acceptance still honoured while the provider cannot be reached. */
  acceptedWhileUnreachable(installationId: string, idTag: string): Decision | undefined;
  remember(installationId: string, idTag: string, decision: Decision): void;
  forgetInstallation(installationId: string): void;
}

/**
 * The cache key of a token: a provider's decision about a 2.0.1 token holds for that token type
 * only (a DirectPayment card and an RFID card may carry the same digits); 1.6 id tags have none.
 */
export function cachedToken(req: Pick<AuthorizationRequest, 'idTag' | 'idTokenType'>): string {
  return req.idTokenType === undefined ? req.idTag : `${req.idTag}\u0000${req.idTokenType}`;
}

export function createDecisionCache(opts: { size: number; ttlSec: number; staleSec: number; now?: () => number }): DecisionCache {
  const now = opts.now ?? Date.now;
  const lru = new LRUCache<string, Entry>({
    max: opts.size,
    ttl: Math.max(opts.ttlSec, opts.staleSec) * 1000 || 1,
    ttlAutopurge: false,
    // An injected clock also drives the LRU's own TTL (how long an acceptance outlives its
    // freshness), read on every check instead of once per millisecond of real time.
    ...(opts.now && { perf: { now: opts.now }, ttlResolution: 0 }),
  });
  const key = (installationId: string, idTag: string) => `${installationId}\u0000${idTagKey(idTag)}`;

  return {
    fresh(installationId, idTag, trigger) {
      const entry = lru.get(key(installationId, idTag));
      if (!entry || entry.freshUntil <= now()) return undefined;
      const { sessionId, ...rest } = entry.decision;
      // A second transaction must not reuse the provider session of the first: ask again.
      if (startsSession(trigger) && sessionId) {
        if (entry.sessionIdUsed) return undefined;
        entry.sessionIdUsed = true;
        return { ...rest, sessionId, source: 'cache', reason: 'cached_decision' };
      }
      return { ...rest, source: 'cache', reason: 'cached_decision' };
    },
    acceptedWhileUnreachable(installationId, idTag) {
      const entry = lru.get(key(installationId, idTag));
      if (!entry || entry.decision.status !== 'Accepted') return undefined;
      if (entry.decision.expiryDate && Date.parse(entry.decision.expiryDate) <= now()) return undefined;
      const { sessionId: _unused, ...rest } = entry.decision;
      return { ...rest, source: 'cache', reason: 'provider_unreachable_cached_acceptance', final: true };
    },
    remember(installationId, idTag, decision) {
      const expiry = decision.expiryDate ? Date.parse(decision.expiryDate) : Number.POSITIVE_INFINITY;
      const freshUntil = Math.min(now() + opts.ttlSec * 1000, expiry);
      lru.set(key(installationId, idTag), { decision, freshUntil, sessionIdUsed: false });
    },
    forgetInstallation(installationId) {
      for (const k of lru.keys()) if (k.startsWith(`${installationId}\u0000`)) lru.delete(k);
    },
  };
}

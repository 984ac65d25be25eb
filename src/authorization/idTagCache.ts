import { LRUCache } from 'lru-cache';
import { idTagKey, type IdTag } from '../store/idTags.js';

type Find<T> = (installationId: string, idTag: string) => Promise<T | undefined>;

/**
 * Native lookups were the largest cost of a native Authorize after the socket write (one
 * indexed query each). Answers, including "unknown", are kept for a short TTL; a change made
 * through this node's API forgets them at once, other nodes see it within the TTL. Tokens eMSPs
 * pushed (OCPI) are kept the same way, under a scope of their own.
 */
export function cachedIdTags<T = IdTag>(find: Find<T>, opts: { ttlMs: number; max?: number }) {
  if (opts.ttlMs <= 0) return { find, forget: (_i: string, _t: string) => undefined, forgetInstallation: (_: string) => undefined };
  const cache = new LRUCache<string, { tag: T | undefined }>({ max: opts.max ?? 100_000, ttl: opts.ttlMs });
  const key = (installationId: string, idTag: string) => `${installationId}\u0000${idTagKey(idTag)}`;
  return {
    async find(installationId: string, idTag: string) {
      const k = key(installationId, idTag);
      const hit = cache.get(k);
      if (hit) return hit.tag;
      const tag = await find(installationId, idTag);
      cache.set(k, { tag });
      return tag;
    },
    forget(installationId: string, idTag: string) {
      cache.delete(key(installationId, idTag));
    },
    forgetInstallation(installationId: string) {
      for (const k of cache.keys()) if (k.startsWith(`${installationId}\u0000`)) cache.delete(k);
    },
  };
}

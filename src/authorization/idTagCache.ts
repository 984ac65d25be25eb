import { LRUCache } from 'lru-cache';
import { idTagKey, type IdTag } from '../store/idTags.js';

type Find = (installationId: string, idTag: string) => Promise<IdTag | undefined>;

/**
 * Native lookups were the largest cost of a native Authorize after the socket write (one
 * indexed query each). Answers, including "unknown", are kept for a short TTL; a change made
 * through this node's API forgets them at once, other nodes see it within the TTL.
 */
export function cachedIdTags(find: Find, opts: { ttlMs: number; max?: number }) {
  if (opts.ttlMs <= 0) return { find, forgetInstallation: (_: string) => undefined };
  const cache = new LRUCache<string, { tag: IdTag | undefined }>({ max: opts.max ?? 100_000, ttl: opts.ttlMs });
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
    forgetInstallation(installationId: string) {
      for (const k of cache.keys()) if (k.startsWith(`${installationId}\u0000`)) cache.delete(k);
    },
  };
}

import { LRUCache } from 'lru-cache';
import { PROVIDER_MODE, type ProviderSettings } from '../store/installations.js';

/**
 * Installation settings read on every authorization, so they are kept a few seconds in memory.
 * A change through this node's API forgets them at once; other nodes see it within the TTL.
 */
export interface SettingsSource<T = ProviderSettings> {
  get(installationId: string): Promise<T | undefined>;
  forget(installationId: string): void;
}

export function createSettingsSource<T = ProviderSettings>(load: (id: string) => Promise<T | undefined>, ttlMs = 5000): SettingsSource<T> {
  const cache = new LRUCache<string, { value: T | undefined }>({ max: 10_000, ttl: ttlMs });
  return {
    async get(id) {
      const hit = cache.get(id);
      if (hit) return hit.value;
      const value = await load(id);
      cache.set(id, { value });
      return value;
    },
    forget: (id) => void cache.delete(id),
  };
}

/** Webhook mode with a session start URL asks the provider; anything else is decided natively. */
export function usesProvider(s: ProviderSettings | undefined): s is ProviderSettings & { sessionStartUrl: string } {
  return s?.mode === PROVIDER_MODE && !!s.sessionStartUrl;
}

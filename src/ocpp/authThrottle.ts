import { LRUCache } from 'lru-cache';

/**
 * Repeated handshake failures from one charger id or one address are refused for a while
 * without checking anything, so a password cannot be guessed at network speed. An address gets
 * a larger allowance: a whole site's chargers may share one address behind NAT.
 */
export function createAuthThrottle(opts: { idFailures: number; addressFailures: number; windowMs: number; max?: number }) {
  const counts = new LRUCache<string, { n: number }>({ max: opts.max ?? 100_000, ttl: opts.windowMs });
  const keys = (chargerId: string, address: string | undefined) => [`id:${chargerId}`, `ip:${address ?? '?'}`];
  return {
    blocked(chargerId: string, address: string | undefined): boolean {
      const [id, ip] = keys(chargerId, address);
      const n = (k: string) => counts.get(k, { updateAgeOnGet: false })?.n ?? 0;
      return n(id) >= opts.idFailures || n(ip) >= opts.addressFailures;
    },
    failed(chargerId: string, address: string | undefined): void {
      for (const k of keys(chargerId, address)) {
        const entry = counts.get(k, { updateAgeOnGet: false });
        if (entry) entry.n += 1;
        else counts.set(k, { n: 1 });
      }
    },
    succeeded(chargerId: string): void {
      counts.delete(`id:${chargerId}`);
    },
  };
}

export type AuthThrottle = ReturnType<typeof createAuthThrottle>;

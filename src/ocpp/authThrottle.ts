import type { Logger } from '../log.js';
import type { FailureStore } from '../store/failures.js';
import { createFailureLimiter, type Reservation } from '../users/rateLimit.js';
import { checkPassword, checkSecurity, type ConnectionFacts, type Credentials, type SecurityVerdict } from './security.js';

/** Failures within this window from one charger id or address are refused outright. */
const LIMITS = { idFailures: 5, addressFailures: 50, windowMs: 60_000 };

/**
 * Failed handshakes from one charger id or one address are refused for a while without checking
 * anything, so a password cannot be guessed at network speed. An address gets a larger allowance:
 * a whole site's chargers may share one address behind NAT. Counted in the store, so the limits
 * hold across nodes, and each attempt is counted before its password is checked, so they hold
 * however many attempts arrive at once.
 */
export function createAuthThrottle(store: FailureStore, log: Logger) {
  const limiter = createFailureLimiter(store, {
    windowMs: LIMITS.windowMs,
    maxFailures: (key) => (key.startsWith('id:') ? LIMITS.idFailures : LIMITS.addressFailures),
  });
  /**
   * A success gives its attempt back (a site's chargers reconnecting together behind one address
   * must not use up its allowance) and forgets the id's earlier failures. The charger does not
   * wait for it: the reservation is the one write its handshake waits for.
   */
  const giveBack = (attempt: Reservation, chargerId: string) =>
    void limiter.release(attempt, `id:${chargerId}`).catch((err) => log.warn({ err, chargerId }, 'could not give back a handshake attempt; it counts until the window ends'));
  return {
    /** The charger's security verdict, or 'throttled' when its id or address has reached its limit. */
    async check(c: Credentials, f: ConnectionFacts & { remoteAddress: string | undefined }): Promise<SecurityVerdict | 'throttled'> {
      const check = checkSecurity(c, f);
      // Profile 0 and a valid client certificate guess nothing: nothing is counted or written.
      if ('ok' in check && check.ok) return check;
      const attempt = await limiter.reserve([`id:${f.chargerId}`, `ip:${f.remoteAddress ?? '?'}`]);
      if (!attempt) return 'throttled';
      const verdict = 'passwordHash' in check ? await checkPassword(check) : check;
      if (verdict.ok) giveBack(attempt, f.chargerId);
      else await limiter.failed(attempt);
      return verdict;
    },
  };
}

export type AuthThrottle = ReturnType<typeof createAuthThrottle>;

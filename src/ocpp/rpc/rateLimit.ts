export interface RateLimitOptions {
  /** Sustained messages per second. */
  perSecond: number;
  /** How many may arrive at once (a charger flushing its offline queue). */
  burst: number;
}

/**
 * A token bucket per connection. Over the limit a message is refused ('limited'); a peer that
 * keeps sending at several times the limit is cut off ('abuse'), since it ignores the refusals.
 */
export function createRateLimit(o: RateLimitOptions, now = () => performance.now()) {
  let tokens = o.burst;
  let refusals = 0;
  let last = now();
  return {
    take(): 'ok' | 'limited' | 'abuse' {
      const t = now();
      tokens = Math.min(o.burst, tokens + ((t - last) / 1000) * o.perSecond);
      refusals = Math.max(0, refusals - ((t - last) / 1000) * o.perSecond);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return 'ok';
      }
      refusals += 1;
      return refusals > o.burst ? 'abuse' : 'limited';
    },
  };
}

/**
 * How fast queued deliveries may start, steered by the charger path's event-loop delay (the
 * main thread measures it and sends it here every LAG_WINDOW_MS). The delivery thread already
 * runs at idle priority, yet with a backlog it keeps both cores busy, and the charger path's
 * Authorize tail grew (docs/bench-log/2026-11.md, "Event notifications"). So: while
 * chargers call fast and the loop is late, halve the rate (not below MIN_PER_SEC); otherwise
 * raise it by a step, and once it no longer binds let deliveries go unpaced (AIMD, as TCP does).
 *
 * A rate, not a count of deliveries in flight: a subscriber that hangs holds no place, so it
 * still delays nobody else.
 */

/** The main thread reports its event-loop delay this often. */
export const LAG_WINDOW_MS = 250;
/** A loop later than this (p99 over a window) is being held up. */
export const LAG_HIGH_MS = 2;
/**
 * Paced only while chargers call at least this fast. With fewer, a late loop delays few
 * replies: pacing then only slowed a backlog's drain (docs/bench-log/2026-11.md).
 */
export const BUSY_CALLS_PER_SEC = 1000;
/** Never paced below this: a busy charger path still sees its events delivered. */
export const MIN_PER_SEC = 500;
const STEP_PER_SEC = 250;
/** A rate this many times what was used has stopped binding. */
const UNBOUND_FACTOR = 2;
/** Paced deliveries start in groups this often: a timer per delivery cost more than the deliveries. */
const TICK_MS = 10;

export interface Pace {
  /** Resolves when a queued delivery may start. */
  admit(): Promise<void>;
  /** The charger path's event-loop delay (p99, ms) over the last window, and the CALLs a second chargers made in it. */
  lag(p99Ms: number, callsPerSec: number): void;
  /** Deliveries per second allowed now; Infinity when unpaced. */
  rate(): number;
  stop(): void;
}

export function createPace(now: () => number = () => performance.now()): Pace {
  let rate = Infinity;
  let allowance = 0;
  let admitted = 0;
  let windowStart = now();
  let ticker: NodeJS.Timeout | undefined;
  const waiting: (() => void)[] = [];

  /** Every TICK_MS while deliveries wait: a tick's worth of them may start. */
  function tick(): void {
    allowance = Math.min(allowance + (rate * TICK_MS) / 1000, (rate * TICK_MS) / 1000 + 1);
    while (waiting.length > 0 && (rate === Infinity || allowance >= 1)) {
      allowance--;
      admitted++;
      waiting.shift()!();
    }
    if (waiting.length === 0 && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  }

  return {
    admit() {
      if (rate === Infinity) {
        admitted++;
        return Promise.resolve();
      }
      return new Promise<void>((go) => {
        waiting.push(go);
        ticker ??= setInterval(tick, TICK_MS);
      });
    },
    lag(p99Ms, callsPerSec) {
      const t = now();
      const used = (admitted / Math.max(1, t - windowStart)) * 1000;
      [admitted, windowStart] = [0, t];
      if (p99Ms > LAG_HIGH_MS && callsPerSec >= BUSY_CALLS_PER_SEC) rate = Math.max(MIN_PER_SEC, Math.min(rate, used) / 2);
      else if (rate !== Infinity) rate = rate > UNBOUND_FACTOR * used ? Infinity : rate + STEP_PER_SEC;
      if (rate === Infinity) tick();
    },
    rate: () => rate,
    stop() {
      rate = Infinity;
      tick();
    },
  };
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUSY_CALLS_PER_SEC, createPace, LAG_HIGH_MS, MIN_PER_SEC, type Pace } from '../../src/notifications/delivery/pace.js';

describe('delivery pace, steered by the charger path’s event-loop delay', () => {
  let pace: Pace;
  beforeEach(() => {
    vi.useFakeTimers();
    pace = createPace(() => Date.now());
  });
  afterEach(() => {
    pace.stop();
    vi.useRealTimers();
  });

  /** Asks for `n` deliveries at once; how many may start within `ms`. */
  async function startedWithin(n: number, ms: number): Promise<number> {
    let started = 0;
    for (let i = 0; i < n; i++) void pace.admit().then(() => started++);
    await vi.advanceTimersByTimeAsync(ms);
    return started;
  }

  /** A window of the main thread's report: `deliveries` started over 250 ms, then the loop's delay. */
  async function windowOf(deliveries: number, lagMs: number, callsPerSec = BUSY_CALLS_PER_SEC): Promise<void> {
    await startedWithin(deliveries, 250);
    pace.lag(lagMs, callsPerSec);
  }

  it('lets deliveries go unpaced while the charger path is on time', async () => {
    await windowOf(1000, 1);
    expect(pace.rate()).toBe(Infinity);
    expect(await startedWithin(5000, 0)).toBe(5000);
  });

  it('halves the rate while the loop is late, and holds deliveries to it', async () => {
    // 4,000/s used in the window; late: 2,000/s from now on.
    await windowOf(1000, LAG_HIGH_MS + 5);
    expect(pace.rate()).toBe(2000);
    const started = await startedWithin(1000, 100);
    expect(started).toBeGreaterThanOrEqual(190);
    expect(started).toBeLessThanOrEqual(221);
  });

  it('does not pace while chargers call slowly, however late the loop (the lateness is then mostly the deliveries’ own)', async () => {
    await windowOf(1000, 50, BUSY_CALLS_PER_SEC / 10);
    expect(pace.rate()).toBe(Infinity);
  });

  it(`never paces below ${MIN_PER_SEC}/s, however late the loop stays`, async () => {
    for (let i = 0; i < 10; i++) await windowOf(100, 50);
    expect(pace.rate()).toBe(MIN_PER_SEC);
    expect(await startedWithin(1000, 1000)).toBeGreaterThanOrEqual(MIN_PER_SEC - 10);
  });

  it('raises the rate step by step once the loop is on time again, then stops pacing', async () => {
    await windowOf(1000, LAG_HIGH_MS + 5);
    const late = pace.rate();
    // Deliveries keep using all they are allowed: the rate grows, and keeps binding.
    let waiting = 0;
    for (let i = 0; i < 20_000; i++) void pace.admit().then(() => waiting--), waiting++;
    await vi.advanceTimersByTimeAsync(250);
    pace.lag(1, BUSY_CALLS_PER_SEC);
    expect(pace.rate()).toBeGreaterThan(late);
    expect(pace.rate()).toBeLessThan(Infinity);
    // Then demand falls away: a rate twice what was used no longer binds.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(waiting).toBe(0);
    await windowOf(0, 1);
    expect(pace.rate()).toBe(Infinity);
  });
});

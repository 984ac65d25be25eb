// The circuit breaker on a fake clock: when it opens, the single half-open probe, and what the
// probe's outcome does.

import { describe, expect, it } from 'vitest';
import { createBreaker } from '../../src/authorization/breaker.js';

const SITE = 'inst-1';

function setup(failures = 3, cooldownMs = 1000) {
  let t = 1_000_000;
  const breaker = createBreaker({ failures, cooldownMs, now: () => t });
  return { breaker, advance: (ms: number) => void (t += ms) };
}

/** The breaker after `n` calls that each went out and failed. */
function fail(breaker: ReturnType<typeof setup>['breaker'], n: number) {
  for (let i = 0; i < n; i++) {
    expect(breaker.tryAcquire(SITE)).toBe(true);
    breaker.failure(SITE);
  }
}

/** Opened by three failures, cooled down, and its one probe handed out. */
function probing() {
  const s = setup(3, 1000);
  fail(s.breaker, 3);
  s.advance(1000);
  expect(s.breaker.tryAcquire(SITE)).toBe(true);
  return s;
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures and lets nothing through while open', () => {
    const { breaker, advance } = setup(3, 1000);
    fail(breaker, 2);
    expect(breaker.state(SITE)).toBe('closed');
    fail(breaker, 1);
    expect(breaker.state(SITE)).toBe('open');
    expect(breaker.tryAcquire(SITE)).toBe(false);
    advance(999);
    expect(breaker.tryAcquire(SITE)).toBe(false);
    expect(breaker.state('inst-2')).toBe('closed');
  });

  it('counts consecutive failures only: a success in between starts again', () => {
    const { breaker } = setup(3);
    fail(breaker, 2);
    breaker.success(SITE);
    fail(breaker, 2);
    expect(breaker.state(SITE)).toBe('closed');
  });

  it('lets exactly one probe through after the cool-down, however many ask at once', () => {
    const { breaker, advance } = setup(3, 1000);
    fail(breaker, 3);
    advance(1000);
    expect(breaker.state(SITE)).toBe('half_open');
    const granted = Array.from({ length: 50 }, () => breaker.tryAcquire(SITE));
    expect(granted.filter(Boolean)).toHaveLength(1);
    expect(granted[0]).toBe(true);
    advance(60_000); // a probe still out keeps the others waiting, however long it takes
    expect(breaker.tryAcquire(SITE)).toBe(false);
  });

  it('reopens for a full cool-down after a failed probe', () => {
    const { breaker, advance } = probing();
    advance(200);
    breaker.failure(SITE);
    expect(breaker.state(SITE)).toBe('open');
    advance(999);
    expect(breaker.tryAcquire(SITE)).toBe(false);
    advance(1);
    expect(breaker.tryAcquire(SITE)).toBe(true);
    expect(breaker.tryAcquire(SITE)).toBe(false);
  });

  it('closes after a successful probe: every call goes out again', () => {
    const { breaker } = probing();
    breaker.success(SITE);
    expect(breaker.state(SITE)).toBe('closed');
    expect(Array.from({ length: 10 }, () => breaker.tryAcquire(SITE)).every(Boolean)).toBe(true);
    fail(breaker, 2);
    expect(breaker.state(SITE)).toBe('closed');
  });
});

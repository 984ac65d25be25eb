// The recent-decision cache on an injected clock: lifetime from the provider's expiryDate or
// the configured defaults, and the size bound.

import { describe, expect, it } from 'vitest';
import { createDecisionCache } from '../../src/authorization/decisionCache.js';
import type { Decision } from '../../src/authorization/types.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const SITE = 'inst-1';

function setup(opts: { size?: number; ttlSec?: number; staleSec?: number } = {}) {
  let t = T0;
  const cache = createDecisionCache({ size: opts.size ?? 100, ttlSec: opts.ttlSec ?? 60, staleSec: opts.staleSec ?? 3600, now: () => t });
  return { cache, at: (ms: number) => void (t = T0 + ms) };
}

function accepted(expiresInMs?: number): Decision {
  const d: Decision = { status: 'Accepted', source: 'webhook', reason: 'provider_allowed', final: true };
  if (expiresInMs !== undefined) d.expiryDate = new Date(T0 + expiresInMs).toISOString();
  return d;
}

describe('decision cache lifetime', () => {
  it('answers from the cache until the reply’s expiryDate, then no longer', () => {
    const { cache, at } = setup({ ttlSec: 60 });
    cache.remember(SITE, 'CARD', accepted(10_000));
    at(9_999);
    expect(cache.fresh(SITE, 'card', 'Authorize')).toMatchObject({ status: 'Accepted', source: 'cache', reason: 'cached_decision' });
    at(10_000);
    expect(cache.fresh(SITE, 'CARD', 'Authorize')).toBeUndefined();
  });

  it('without an expiryDate, answers for the configured TTL', () => {
    const { cache, at } = setup({ ttlSec: 60 });
    cache.remember(SITE, 'CARD', accepted());
    at(59_999);
    expect(cache.fresh(SITE, 'CARD', 'Authorize')).toBeDefined();
    at(60_000);
    expect(cache.fresh(SITE, 'CARD', 'Authorize')).toBeUndefined();
  });

  it('honours an acceptance while the provider is unreachable until its expiryDate, not after', () => {
    const { cache, at } = setup({ ttlSec: 60 });
    cache.remember(SITE, 'CARD', accepted(120_000));
    at(90_000);
    expect(cache.fresh(SITE, 'CARD', 'Authorize')).toBeUndefined();
    expect(cache.acceptedWhileUnreachable(SITE, 'CARD')).toMatchObject({
      status: 'Accepted',
      source: 'cache',
      reason: 'provider_unreachable_cached_acceptance',
      final: true,
    });
    at(120_000);
    expect(cache.acceptedWhileUnreachable(SITE, 'CARD')).toBeUndefined();
  });

  it('without an expiryDate, honours it while unreachable for the configured stale time', () => {
    const { cache, at } = setup({ ttlSec: 60, staleSec: 3600 });
    cache.remember(SITE, 'CARD', accepted());
    at(3_600_000);
    expect(cache.acceptedWhileUnreachable(SITE, 'CARD')).toBeDefined();
    at(3_600_001);
    expect(cache.acceptedWhileUnreachable(SITE, 'CARD')).toBeUndefined();
  });

  it('never honours a refusal while unreachable', () => {
    const { cache } = setup();
    cache.remember(SITE, 'STOLEN', { status: 'Blocked', source: 'webhook', reason: 'provider_refused', final: true });
    expect(cache.fresh(SITE, 'STOLEN', 'Authorize')).toMatchObject({ status: 'Blocked' });
    expect(cache.acceptedWhileUnreachable(SITE, 'STOLEN')).toBeUndefined();
  });
});

describe('decision cache size bound', () => {
  it('evicts the least recently used entry when full', () => {
    const { cache } = setup({ size: 2 });
    cache.remember(SITE, 'A', accepted());
    cache.remember(SITE, 'B', accepted());
    expect(cache.fresh(SITE, 'A', 'Authorize')).toBeDefined(); // A is now the most recently used
    cache.remember(SITE, 'C', accepted());
    expect(cache.fresh(SITE, 'B', 'Authorize')).toBeUndefined();
    expect(cache.acceptedWhileUnreachable(SITE, 'B')).toBeUndefined();
    expect(cache.fresh(SITE, 'A', 'Authorize')).toBeDefined();
    expect(cache.fresh(SITE, 'C', 'Authorize')).toBeDefined();
  });

  it('keeps installations apart', () => {
    const { cache } = setup();
    cache.remember(SITE, 'CARD', accepted());
    expect(cache.fresh('inst-2', 'CARD', 'Authorize')).toBeUndefined();
  });
});

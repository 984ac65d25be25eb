// The offline policy over a real decision cache on a fixed clock: when it applies at all, what a
// remembered acceptance is worth, and what "allow charging when offline" decides otherwise.

import { describe, expect, it } from 'vitest';
import { INVALID } from '../../src/authorization/chain.js';
import { createDecisionCache } from '../../src/authorization/decisionCache.js';
import { offlinePolicy } from '../../src/authorization/offlinePolicy.js';
import type { Decision } from '../../src/authorization/types.js';
import { at, clock, decision, HOUR, providerSettings, request, settingsOf, SITE, unreachable } from './fakes.js';

const STALE_SEC = 3600;

function setup(offlineAllow: boolean | 'no installation') {
  const time = clock();
  const cache = createDecisionCache({ size: 100, ttlSec: 60, staleSec: STALE_SEC, now: time.now });
  const settings = settingsOf(offlineAllow === 'no installation' ? undefined : providerSettings({ offlineAllow }));
  return { policy: offlinePolicy({ settings, cache }), cache, settings, time };
}

const providerAccepted = decision('Accepted', 'webhook', 'provider_allowed', { parentIdTag: 'PARENT' });
const honoured = decision('Accepted', 'cache', 'provider_unreachable_cached_acceptance', { parentIdTag: 'PARENT' });

describe('offline policy: when it applies', () => {
  it.each<{ name: string; current: Decision }>([
    { name: 'the default', current: INVALID },
    { name: 'an unknown tag', current: { ...INVALID, reason: 'unknown_id_tag' } },
    { name: 'a provider acceptance', current: providerAccepted },
    { name: 'a provider refusal', current: decision('Blocked', 'webhook', 'provider_refused') },
    { name: 'a provider 4xx', current: decision('Invalid', 'webhook', 'provider_http_403') },
    { name: 'a cached decision', current: decision('Accepted', 'cache', 'cached_decision') },
    { name: 'a native decision', current: decision('Accepted', 'native', 'accepted') },
    { name: 'a non-final decision the provider did not leave unreachable', current: decision('Invalid', 'webhook', 'timeout', { final: false }) },
    { name: 'providerUnreachable false', current: { ...unreachable('timeout'), providerUnreachable: false } },
  ])('leaves $name alone, even with offlineAllow and a remembered acceptance', async ({ current }) => {
    const { policy, cache, settings } = setup(true);
    cache.remember(SITE, 'CARD', providerAccepted);
    expect(await policy(request(), current)).toBeUndefined();
    expect(settings.reads).toBe(0);
  });
});

describe('offline policy: the installation’s setting', () => {
  const causes = ['timeout', 'connect_error', 'network_error', 'http_503', 'http_429', 'redirect_not_followed', 'malformed_reply', 'breaker_open', 'token_unreachable'];
  it.each(causes.flatMap((cause) => [true, false].map((offlineAllow) => ({ cause, offlineAllow }))))(
    'nothing remembered, $cause, offlineAllow $offlineAllow',
    async ({ cause, offlineAllow }) => {
      const { policy } = setup(offlineAllow);
      const expected = offlineAllow
        ? decision('Accepted', 'offline', `offline_allowed:${cause}`)
        : decision('Invalid', 'offline', `offline_denied:${cause}`);
      expect(await policy(request(), unreachable(cause))).toEqual(expected);
    },
  );

  it('denies when the installation is gone', async () => {
    const { policy } = setup('no installation');
    expect(await policy(request(), unreachable('timeout'))).toEqual(decision('Invalid', 'offline', 'offline_denied:timeout'));
  });
});

describe('offline policy: what the cache remembers', () => {
  const MIN = 60_000;
  const states: { name: string; remembered: Decision; after: number; honours: boolean }[] = [
    { name: 'an acceptance still fresh', remembered: providerAccepted, after: 10_000, honours: true },
    { name: 'an acceptance past its freshness, within the stale window', remembered: providerAccepted, after: 30 * MIN, honours: true },
    { name: 'an acceptance at the end of the stale window', remembered: providerAccepted, after: STALE_SEC * 1000, honours: true },
    { name: 'an acceptance past the stale window', remembered: providerAccepted, after: STALE_SEC * 1000 + 1, honours: false },
    { name: 'an acceptance past its own expiryDate', remembered: { ...providerAccepted, expiryDate: at(10 * MIN) }, after: 10 * MIN, honours: false },
    { name: 'a provider session id (never reused)', remembered: { ...providerAccepted, sessionId: 'ps-1' }, after: 10 * MIN, honours: true },
    { name: 'a refusal', remembered: decision('Blocked', 'webhook', 'provider_refused', { parentIdTag: 'PARENT' }), after: 10_000, honours: false },
    { name: 'a provider ConcurrentTx', remembered: decision('ConcurrentTx', 'webhook', 'provider_refused'), after: 10_000, honours: false },
  ];

  it.each(states.flatMap((s) => [true, false].map((offlineAllow) => ({ ...s, offlineAllow }))))(
    '$name, offlineAllow $offlineAllow',
    async ({ remembered, after, honours, offlineAllow }) => {
      const { policy, cache, time } = setup(offlineAllow);
      cache.remember(SITE, 'CARD', remembered);
      time.advance(after);
      const bySetting = offlineAllow ? decision('Accepted', 'offline', 'offline_allowed:timeout') : decision('Invalid', 'offline', 'offline_denied:timeout');
      const expiryDate = remembered.expiryDate && { expiryDate: remembered.expiryDate };
      expect(await policy(request({ idTag: 'card' }), unreachable('timeout'))).toEqual(honours ? { ...honoured, ...expiryDate } : bySetting);
    },
  );

  it('honours an acceptance for its own installation only', async () => {
    const { policy, cache } = setup(false);
    cache.remember('inst-2', 'CARD', providerAccepted);
    expect(await policy(request(), unreachable('timeout'))).toEqual(decision('Invalid', 'offline', 'offline_denied:timeout'));
    expect(await policy(request({ installationId: 'inst-2' }), unreachable('timeout'))).toEqual(honoured);
  });

  it('hands back the remembered acceptance’s expiryDate', async () => {
    const { policy, cache, time } = setup(false);
    cache.remember(SITE, 'CARD', { ...providerAccepted, expiryDate: at(2 * HOUR) });
    time.advance(HOUR / 2);
    expect(await policy(request(), unreachable('timeout'))).toEqual({ ...honoured, expiryDate: at(2 * HOUR) });
  });
});

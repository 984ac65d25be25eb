// The provider authorizer: every kind of provider answer against an empty cache, a fresh and a
// stale entry; what the provider is told; which installations ask it at all.

import { describe, expect, it } from 'vitest';
import type { AuthorizationRequest, Decision } from '../../src/authorization/types.js';
import type { HttpErrorCode } from '../../src/http/client.js';
import { TokenError } from '../../src/providers/tokenService.js';
import { at, decision, HOUR, providerSettings, SITE, T0, unreachable } from './fakes.js';
import { fail, providerHarness, reply, type Answer } from './providerHarness.js';

const DAY = 24 * HOUR;
const STORY = 'card reported stolen';

const OUTCOMES: { name: string; answer: Answer; expected: Decision }[] = [
  { name: 'allowed', answer: reply(200, { allowed: true }), expected: decision('Accepted', 'webhook', 'provider_allowed') },
  {
    name: 'allowed with a session id, expiry and parent',
    answer: reply(201, { allowed: true, sessionId: 'ps-1', expiryDate: at(DAY), parentIdTag: 'FLEET' }),
    expected: decision('Accepted', 'webhook', 'provider_allowed', { sessionId: 'ps-1', expiryDate: at(DAY), parentIdTag: 'FLEET' }),
  },
  { name: 'refused without a status', answer: reply(200, { allowed: false }), expected: decision('Invalid', 'webhook', 'provider_refused') },
  ...(['Blocked', 'Expired', 'Invalid', 'ConcurrentTx'] as const).map((status) => ({
    name: `refused ${status} with a reason`,
    answer: reply(200, { allowed: false, status, reason: STORY }),
    expected: decision(status, 'webhook', `provider_refused:${STORY}`),
  })),
  { name: 'refused while saying Accepted', answer: reply(200, { allowed: false, status: 'Accepted' }), expected: decision('Invalid', 'webhook', 'provider_refused') },
  {
    name: 'refused with expiry and parent',
    answer: reply(200, { allowed: false, status: 'Expired', expiryDate: at(-DAY), parentIdTag: 'FLEET' }),
    expected: decision('Expired', 'webhook', 'provider_refused', { expiryDate: at(-DAY), parentIdTag: 'FLEET' }),
  },
  ...[400, 401, 403, 404, 422].map((status) => ({ name: `HTTP ${status}`, answer: reply(status, { allowed: true }), expected: decision('Invalid', 'webhook', `provider_http_${status}`) })),
  ...[408, 429, 500, 502, 503].map((status) => ({ name: `HTTP ${status}`, answer: reply(status, { allowed: true }), expected: unreachable(`http_${status}`) })),
  ...[301, 302, 307].map((status) => ({ name: `HTTP ${status}`, answer: reply(status), expected: unreachable('redirect_not_followed') })),
  { name: 'a body that is not JSON', answer: reply(200, '<html>ok</html>'), expected: unreachable('malformed_reply') },
  { name: 'an empty body', answer: reply(204), expected: unreachable('malformed_reply') },
  { name: 'allowed that is not a boolean', answer: reply(200, { allowed: 'yes' }), expected: unreachable('malformed_reply') },
  { name: 'an expiryDate that is not a date', answer: reply(200, { allowed: true, expiryDate: 'tomorrow' }), expected: unreachable('malformed_reply') },
  ...(['timeout', 'connect_error', 'network_error', 'response_too_large', 'blocked_target'] as HttpErrorCode[]).map((code) => ({
    name: `the transport’s ${code}`,
    answer: fail(code),
    expected: unreachable(code),
  })),
];

/** What the cache holds before the call: nothing, or an acceptance 2 min old (stale: past the 60 s TTL, within the stale window). */
const CACHE_STATES = { empty: undefined, 'stale hit': 120_000 } as const;
type CacheState = keyof typeof CACHE_STATES;
const REMEMBERED = decision('Accepted', 'webhook', 'provider_allowed', { parentIdTag: 'OLD' });

/** The acceptance the offline policy may still honour after the call: the new answer if final, else what was there. */
function honouredAfter(answered: Decision, state: CacheState): Decision | undefined {
  const kept = answered.final ? answered : state === 'stale hit' ? REMEMBERED : undefined;
  if (kept?.status !== 'Accepted') return undefined;
  const { sessionId: _notReused, ...rest } = kept;
  return { ...rest, source: 'cache', reason: 'provider_unreachable_cached_acceptance', final: true };
}

const MATRIX = OUTCOMES.flatMap((o) => (Object.keys(CACHE_STATES) as CacheState[]).map((state) => ({ ...o, state })));

describe('provider authorizer: answer × cache', () => {
  it.each(MATRIX)('$name, cache $state', async ({ answer, expected, state }) => {
    const p = providerHarness({ answer });
    const age = CACHE_STATES[state];
    if (age !== undefined) {
      p.cache.remember(SITE, 'CARD', REMEMBERED);
      p.time.advance(age);
    }
    expect(await p.authorize({ idTag: 'card' })).toEqual(expected);
    expect(p.sent).toHaveLength(1);
    expect(p.providerCall).toHaveBeenCalledWith(expected.final ? (expected.status === 'Accepted' ? 'allowed' : 'refused') : 'unreachable', expect.any(Number));
    expect(p.warn).toHaveBeenCalledTimes(expected.final ? 0 : 1);
    expect(p.cache.acceptedWhileUnreachable(SITE, 'CARD')).toEqual(honouredAfter(expected, state));
  });

  it.each(OUTCOMES)('$name, cache fresh hit: the cache answers, the provider is not asked', async ({ answer }) => {
    const p = providerHarness({ answer });
    p.cache.remember(SITE, 'CARD', REMEMBERED);
    p.time.advance(10_000);
    expect(await p.authorize({ idTag: 'card' })).toEqual({ ...REMEMBERED, source: 'cache', reason: 'cached_decision' });
    expect(p.sent).toHaveLength(0);
    expect(p.providerCall).not.toHaveBeenCalled();
  });

  const unexpired = (d: Decision) => !d.expiryDate || Date.parse(d.expiryDate) > T0 + 60_000;
  it.each(OUTCOMES.filter((o) => o.expected.final && unexpired(o.expected)))(
    'remembers a final answer ($name): asked again within the TTL, the cache answers',
    async ({ answer, expected }) => {
      const p = providerHarness({ answer });
      await p.authorize();
      p.time.advance(59_999);
      const { sessionId: _onlyForAStart, ...rest } = expected;
      expect(await p.authorize()).toEqual({ ...rest, source: 'cache', reason: 'cached_decision' });
      expect(p.sent).toHaveLength(1);
    },
  );

  it.each(OUTCOMES.filter((o) => !o.expected.final))('never remembers an unreachable answer ($name): the next one asks again', async ({ answer }) => {
    const p = providerHarness({ answer });
    await p.authorize();
    await p.authorize();
    expect(p.sent).toHaveLength(2);
  });

  it.each<{ name: string; error: TokenError }>([
    { name: 'unreachable', error: new TokenError('token_unreachable', 'no answer') },
    { name: 'refusing our credentials', error: new TokenError('token_rejected', '401') },
    { name: 'answering nonsense', error: new TokenError('token_malformed', 'no access_token') },
  ])('a token service $name leaves the provider unreachable', async ({ error }) => {
    const tokens = { get: async () => Promise.reject(error), invalidate: () => undefined, fetches: 0 };
    const p = providerHarness({ settings: providerSettings({ authUrl: 'https://provider.test/token' }), tokens });
    expect(await p.authorize()).toEqual(unreachable(error.reason));
    expect(p.sent).toHaveLength(0);
  });
});

describe('provider authorizer: a provider session id serves one transaction', () => {
  it('hands the cached session id to the first start only; the next start asks again', async () => {
    const p = providerHarness({ answer: reply(200, { allowed: true, sessionId: 'ps-1' }) });
    expect(await p.authorize()).toMatchObject({ source: 'webhook', sessionId: 'ps-1' });
    expect(await p.authorize({ trigger: 'StartTransaction', connectorId: 1 })).toMatchObject({ source: 'cache', sessionId: 'ps-1' });
    expect(await p.authorize()).toEqual(decision('Accepted', 'cache', 'cached_decision'));
    p.answer(reply(200, { allowed: true, sessionId: 'ps-2' }));
    expect(await p.authorize({ trigger: 'StartTransaction', connectorId: 2 })).toMatchObject({ source: 'webhook', sessionId: 'ps-2' });
    expect(p.sent).toHaveLength(2);
  });
});

describe('provider authorizer: what the provider is told', () => {
  const base = { installationId: SITE, chargerId: 'CP-1', idTag: 'CARD' };
  it.each<{ name: string; req: Partial<AuthorizationRequest>; told: Record<string, unknown> }>([
    { name: 'an Authorize', req: { trigger: 'Authorize' }, told: { ...base, trigger: 'Authorize', offline: false } },
    { name: 'an Authorize naming a connector', req: { trigger: 'Authorize', connectorId: 2 }, told: { ...base, trigger: 'Authorize', connectorId: 2, offline: false } },
    {
      name: 'a start',
      req: { trigger: 'StartTransaction', connectorId: 1, transactionId: 42, meterStart: 1000 },
      told: { ...base, trigger: 'StartTransaction', connectorId: 1, transactionId: 42, meterStart: 1000, offline: false },
    },
    {
      name: 'a start made while the charger was offline',
      req: { trigger: 'StartTransaction', connectorId: 1, transactionId: 43, meterStart: 0, late: true },
      told: { ...base, trigger: 'StartTransaction', connectorId: 1, transactionId: 43, meterStart: 0, offline: true },
    },
  ])('$name', async ({ req, told }) => {
    const p = providerHarness();
    await p.authorize(req);
    expect(p.sent).toEqual([{ type: 'session.start', version: 1, id: expect.any(String), timestamp: expect.any(String), ...told }]);
  });

  it('asks about a late start even with a fresh acceptance cached: the session already ran', async () => {
    const p = providerHarness({ answer: reply(200, { allowed: false, status: 'Blocked' }) });
    p.cache.remember(SITE, 'CARD', REMEMBERED);
    expect(await p.authorize({ trigger: 'StartTransaction', connectorId: 1, late: true })).toEqual(decision('Blocked', 'webhook', 'provider_refused'));
    expect(p.sent).toHaveLength(1);
  });
});

describe('provider authorizer: which installations ask a provider', () => {
  it.each([
    { name: 'an unknown installation', settings: undefined },
    { name: 'native mode, even with a start URL', settings: providerSettings({ mode: 'native' }) },
    { name: 'webhook mode without a start URL', settings: providerSettings({ sessionStartUrl: null }) },
    { name: 'webhook mode with an empty start URL', settings: providerSettings({ sessionStartUrl: '' }) },
  ])('$name leaves the decision to later sources, with no call and no cache', async ({ settings }) => {
    const p = providerHarness({ settings });
    p.cache.remember(SITE, 'CARD', REMEMBERED);
    expect(await p.authorize()).toBeUndefined();
    expect(p.sent).toHaveLength(0);
  });
});

// The provider authorizer under load and outage: one call shared by identical requests in flight,
// the circuit breaker in front of a failing provider, and the installation's deadline.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthorizationRequest, Decision } from '../../src/authorization/types.js';
import type { HttpResponse } from '../../src/http/client.js';
import type { TokenService } from '../../src/providers/tokenService.js';
import { decision, deferred, providerSettings, unreachable } from './fakes.js';
import { fail, providerHarness, reply, silent, type Answer } from './providerHarness.js';

const ALLOWED = decision('Accepted', 'webhook', 'provider_allowed');
const BREAKER_OPEN = unreachable('breaker_open');

/** Starts every request before the provider answers any, then lets it answer. */
async function inFlightTogether(requests: Partial<AuthorizationRequest>[]) {
  const p = providerHarness();
  const gate = deferred<HttpResponse>();
  p.answer(() => gate.promise);
  const decisions = Promise.all(requests.map((r) => p.authorize(r)));
  await new Promise((r) => setImmediate(r));
  const calls = p.sent.length;
  gate.resolve({ status: 200, headers: {}, body: JSON.stringify({ allowed: true }) });
  return { calls, decisions: await decisions, p };
}

describe('provider authorizer: single flight', () => {
  it('makes one call for ten identical requests in flight, and gives each its answer', async () => {
    const { calls, decisions } = await inFlightTogether(Array.from({ length: 10 }, () => ({})));
    expect(calls).toBe(1);
    expect(decisions).toEqual(Array.from({ length: 10 }, () => ALLOWED));
  });

  const base = { trigger: 'Authorize', connectorId: 1 } as const;
  it.each<{ name: string; other: Partial<AuthorizationRequest>; calls: number }>([
    { name: 'the same request', other: {}, calls: 1 },
    { name: 'the tag in another case', other: { idTag: 'card' }, calls: 1 },
    { name: 'another tag', other: { idTag: 'OTHER' }, calls: 2 },
    { name: 'another connector', other: { connectorId: 2 }, calls: 2 },
    { name: 'no connector', other: { connectorId: undefined }, calls: 2 },
    { name: 'another charger', other: { chargerId: 'CP-2' }, calls: 2 },
    { name: 'another trigger', other: { trigger: 'StartTransaction' }, calls: 2 },
    { name: 'another installation', other: { installationId: 'inst-2' }, calls: 2 },
  ])('$name in flight alongside: $calls call(s)', async ({ other, calls }) => {
    const flight = await inFlightTogether([base, { ...base, ...other }]);
    expect(flight.calls).toBe(calls);
    expect(flight.decisions).toEqual([ALLOWED, ALLOWED]);
  });

  it('forgets the shared call once answered: the next request makes its own', async () => {
    const p = providerHarness({ answer: reply(503) });
    await Promise.all([p.authorize(), p.authorize()]);
    await Promise.all([p.authorize(), p.authorize()]);
    expect(p.sent).toHaveLength(2);
  });
});

describe('provider authorizer: circuit breaker (3 failures, 1 s cool-down)', () => {
  const down = reply(503);
  const up = reply(200, { allowed: true });
  const refuses = reply(200, { allowed: false, status: 'Blocked' });
  const forbidden = reply(403);

  /** Runs the answers in turn, one tag each so no answer comes from the cache. */
  async function run(answers: Answer[]) {
    const p = providerHarness({ failures: 3, cooldownMs: 1000 });
    for (const [i, answer] of answers.entries()) {
      p.answer(answer);
      await p.authorize({ idTag: `TAG-${i}` });
    }
    return p;
  }

  it.each<{ name: string; answers: Answer[]; opens: boolean }>([
    { name: 'three 503s', answers: [down, down, down], opens: true },
    { name: 'two 503s', answers: [down, down], opens: false },
    { name: 'three mixed failures (timeout, malformed, 429)', answers: [fail('timeout'), reply(200, 'nope'), reply(429)], opens: true },
    { name: 'connect errors', answers: [fail('connect_error'), fail('connect_error'), fail('connect_error')], opens: true },
    { name: 'two failures, an acceptance, two failures', answers: [down, down, up, down, down], opens: false },
    { name: 'two failures, a refusal, two failures', answers: [down, down, refuses, down, down], opens: false },
    { name: 'two failures, a 403, two failures', answers: [down, down, forbidden, down, down], opens: false },
    { name: 'an acceptance, then three failures', answers: [up, down, down, down], opens: true },
    { name: 'three refusals', answers: [refuses, refuses, refuses], opens: false },
    { name: 'three 403s', answers: [forbidden, forbidden, forbidden], opens: false },
  ])('$name: open $opens', async ({ answers, opens }) => {
    const p = await run(answers);
    p.answer(up);
    const d = await p.authorize({ idTag: 'NEXT' });
    expect(d).toEqual(opens ? BREAKER_OPEN : ALLOWED);
    expect(p.sent).toHaveLength(answers.length + (opens ? 0 : 1));
  });

  it('answers without calling while open, for every tag, until the cool-down ends', async () => {
    const p = await run([down, down, down]);
    p.answer(up);
    for (const idTag of ['A', 'B', 'C']) expect(await p.authorize({ idTag })).toEqual(BREAKER_OPEN);
    p.time.advance(999);
    expect(await p.authorize({ idTag: 'D' })).toEqual(BREAKER_OPEN);
    expect(p.sent).toHaveLength(3);
    expect(p.providerCall).toHaveBeenCalledTimes(3);
  });

  it.each<{ name: string; probe: Answer; expected: Decision; closes: boolean }>([
    { name: 'an acceptance', probe: up, expected: ALLOWED, closes: true },
    { name: 'a refusal', probe: refuses, expected: decision('Blocked', 'webhook', 'provider_refused'), closes: true },
    { name: 'a 503', probe: down, expected: unreachable('http_503'), closes: false },
    { name: 'a timeout', probe: fail('timeout'), expected: unreachable('timeout'), closes: false },
  ])('after the cool-down lets one probe through; a probe answered with $name closes it: $closes', async ({ probe, expected, closes }) => {
    const p = await run([down, down, down]);
    p.time.advance(1000);
    p.answer(probe);
    expect(await Promise.all([p.authorize({ idTag: 'PROBE' }), p.authorize({ idTag: 'WAITING' })])).toEqual([expected, BREAKER_OPEN]);
    p.answer(up);
    expect(await p.authorize({ idTag: 'AFTER' })).toEqual(closes ? ALLOWED : BREAKER_OPEN);
    p.time.advance(1000);
    expect(await p.authorize({ idTag: 'LATER' })).toEqual(ALLOWED);
  });

  it('keeps installations apart', async () => {
    const p = await run([down, down, down]);
    p.answer(up);
    expect(await p.authorize({ installationId: 'inst-2' })).toEqual(ALLOWED);
  });
});

describe('provider authorizer: the installation’s deadline', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  /** Starts one authorization and tells whether it has been decided yet. */
  function watch(p: ReturnType<typeof providerHarness>) {
    let decided: Decision | undefined;
    void p.authorize().then((d) => (decided = d));
    return () => decided;
  }

  const slowTokens = (ms: number): TokenService => ({
    get: () => new Promise((r) => setTimeout(() => r('token'), ms)),
    invalidate: () => undefined,
    fetches: 0,
  });

  it.each<{ name: string; timeoutMs: number; authUrl: string | null; tokenMs: number }>([
    { name: 'a provider that never answers', timeoutMs: 2000, authUrl: null, tokenMs: 0 },
    { name: 'a provider that never answers, with a short deadline', timeoutMs: 250, authUrl: null, tokenMs: 0 },
    { name: 'a slow token fetch, then a provider that never answers', timeoutMs: 2000, authUrl: 'https://provider.test/token', tokenMs: 1500 },
  ])('$name: unreachable at the installation’s timeout, not before', async ({ timeoutMs, authUrl, tokenMs }) => {
    const p = providerHarness({ settings: providerSettings({ timeoutMs, authUrl }), tokens: slowTokens(tokenMs), answer: silent });
    const decided = watch(p);
    await vi.advanceTimersByTimeAsync(timeoutMs - 1);
    expect(decided()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(decided()).toEqual(unreachable('timeout'));
  });

  it('counts a timeout as a breaker failure', async () => {
    const p = providerHarness({ answer: silent, failures: 1 });
    const first = watch(p);
    await vi.advanceTimersByTimeAsync(2000);
    expect(first()).toEqual(unreachable('timeout'));
    expect(await p.authorize()).toEqual(BREAKER_OPEN);
  });
});

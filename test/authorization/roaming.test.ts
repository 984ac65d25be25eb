// The OCPI source's use of the shared mechanism, over a scripted eMSP: one circuit per partner,
// one call in flight per token, the decision cache (never for NEVER), and the installation's deadline.

import { describe, expect, it } from 'vitest';
import { createBreaker } from '../../src/authorization/breaker.js';
import { INVALID } from '../../src/authorization/chain.js';
import { createDecisionCache } from '../../src/authorization/decisionCache.js';
import { roamingAuthorizer, type RealtimeAnswer, type RealtimeRequest, type RoamingToken } from '../../src/authorization/roaming.js';
import { createLogger } from '../../src/log.js';
import { clock, request } from './fakes.js';

function world(opts: { pushed?: Partial<RoamingToken>; answer: () => Promise<RealtimeAnswer>; partners?: string[] }) {
  const time = clock();
  const calls: (RealtimeRequest & { partnerId: string })[] = [];
  const authorize = roamingAuthorizer({
    findTokens: async () => (opts.pushed ? [{ partnerId: 'P1', ref: TOKEN, valid: true, whitelist: 'NEVER', groupId: null, ...opts.pushed }] : []),
    realtimePartners: async () => opts.partners ?? ['P1'],
    authorize: async (partnerId, req) => (calls.push({ partnerId, ...req }), opts.answer()),
    timeoutMs: async () => 1234,
    realtimeForAllowed: false,
    cache: createDecisionCache({ size: 100, ttlSec: 60, staleSec: 600, now: time.now }),
    breaker: createBreaker({ failures: 2, cooldownMs: 30_000, now: time.now }),
    log: createLogger('silent'),
  });
  return { ask: () => authorize(request(), INVALID), calls, time };
}

const TOKEN = { country_code: 'NL', party_id: 'TNM', uid: 'CARD', type: 'RFID', contract_id: 'NL-TNM-C1' };
const down = async (): Promise<RealtimeAnswer> => ({ kind: 'unreachable', reason: 'timeout' });

describe('the OCPI source on the shared mechanism', () => {
  it('opens the partner\'s circuit after repeated failures: no call until the cooldown', async () => {
    const w = world({ pushed: { whitelist: 'NEVER' }, answer: down });
    await w.ask();
    await w.ask();
    const third = await w.ask();
    expect(third).toMatchObject({ status: 'Invalid', reason: 'ocpi_unreachable:breaker_open', final: true });
    expect(w.calls).toHaveLength(2);
    w.time.advance(30_001);
    await w.ask();
    expect(w.calls).toHaveLength(3);
  });

  it('sends one call for a token asked twice at once, with the installation\'s deadline', async () => {
    let release!: (a: RealtimeAnswer) => void;
    const w = world({ pushed: { whitelist: 'ALLOWED_OFFLINE' }, answer: () => new Promise((r) => (release = r)) });
    const both = Promise.all([w.ask(), w.ask()]);
    await new Promise((r) => setImmediate(r));
    release({ kind: 'answered', allowed: 'ALLOWED', authorizationReference: 'REF-1' });
    const [a, b] = await both;
    expect(a).toEqual(b);
    expect(w.calls).toEqual([{ partnerId: 'P1', uid: 'CARD', type: 'RFID', installationId: 'inst-1', chargerId: 'CP-1', timeoutMs: 1234 }]);
  });

  it('reuses an answer from the cache, but never for a NEVER token', async () => {
    const allowed = async (): Promise<RealtimeAnswer> => ({ kind: 'answered', allowed: 'ALLOWED' });
    const cached = world({ pushed: { whitelist: 'ALLOWED_OFFLINE' }, answer: allowed });
    await cached.ask();
    expect(await cached.ask()).toMatchObject({ status: 'Accepted', source: 'cache', roaming: { partnerId: 'P1' } });
    expect(cached.calls).toHaveLength(1);
    const never = world({ pushed: { whitelist: 'NEVER' }, answer: allowed });
    await never.ask();
    expect(await never.ask()).toMatchObject({ status: 'Accepted', source: 'ocpi', roaming: { realtimeOnly: true } });
    expect(never.calls).toHaveLength(2);
  });

  it('asks the next partner when one does not know a token nobody pushed, and leaves it undecided when none does', async () => {
    const answers: RealtimeAnswer[] = [{ kind: 'unknown' }, { kind: 'answered', allowed: 'NO_CREDIT' }];
    const w = world({ partners: ['P1', 'P2'], answer: async () => answers.shift()! });
    expect(await w.ask()).toMatchObject({ status: 'NoCredit', final: true, roaming: { partnerId: 'P2' } });
    const none = world({ partners: ['P1', 'P2'], answer: async () => ({ kind: 'unknown' }) });
    expect(await none.ask()).toMatchObject({ status: 'Invalid', final: false, reason: 'ocpi_unknown_token' });
  });
});

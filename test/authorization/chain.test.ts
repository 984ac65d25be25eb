// The decision chain with scripted links: where it starts, when it stops, what guards may do,
// and that `decided` hears every decision once.

import { describe, expect, it } from 'vitest';
import { createAuthorizer, INVALID } from '../../src/authorization/chain.js';
import type { Authorizer, Decision, Guard } from '../../src/authorization/types.js';
import { decision, request } from './fakes.js';

const accepted = decision('Accepted', 'native', 'accepted');
const blocked = decision('Blocked', 'native', 'blocked');
const webhookAccepted = decision('Accepted', 'webhook', 'provider_allowed');
const offlineDenied = decision('Invalid', 'offline', 'offline_denied:timeout');
const unreachable = decision('Invalid', 'webhook', 'timeout', { final: false, providerUnreachable: true });
const unknownTag: Decision = { ...INVALID, reason: 'unknown_id_tag' };
const softAccept = decision('Accepted', 'native', 'accepted', { final: false });
const concurrent = decision('ConcurrentTx', 'webhook', 'concurrent_tx');

/** Links that answer from a script (undefined: leave the decision as it is) and record what they saw. */
function scripted(steps: (Decision | undefined)[]) {
  const seen: Decision[] = [];
  const authorizers: Authorizer[] = steps.map((step) => async (_req, current) => {
    seen.push(current);
    return step;
  });
  return { authorizers, seen };
}

/** Guards that answer from a script ('pass' hands the decision back) and count their runs. */
function guarded(steps: ('pass' | Decision)[]) {
  const ran: Decision[] = [];
  const guards: Guard[] = steps.map((step) => async (_req, d) => {
    ran.push(d);
    return step === 'pass' ? d : step;
  });
  return { guards, ran };
}

function chain(steps: (Decision | undefined)[], guardSteps: ('pass' | Decision)[] = []) {
  const links = scripted(steps);
  const checks = guarded(guardSteps);
  const told: Decision[] = [];
  const authorize = createAuthorizer({ authorizers: links.authorizers, guards: checks.guards, decided: (d) => told.push(d) });
  return { authorize, seen: links.seen, ran: checks.ran, told };
}

describe('decision chain: sources', () => {
  it.each<{ name: string; steps: (Decision | undefined)[]; expected: Decision; ran: number }>([
    { name: 'no source at all: the safe default', steps: [], expected: INVALID, ran: 0 },
    { name: 'every source abstains: the safe default', steps: [undefined, undefined, undefined], expected: INVALID, ran: 3 },
    { name: 'the first final decision ends the chain', steps: [blocked, accepted, undefined], expected: blocked, ran: 1 },
    { name: 'abstentions before a final decision are skipped', steps: [undefined, accepted, blocked], expected: accepted, ran: 2 },
    { name: 'a non-final decision is kept when no later source decides', steps: [unreachable, undefined], expected: unreachable, ran: 2 },
    { name: 'a later final decision replaces a non-final one', steps: [unreachable, offlineDenied, accepted], expected: offlineDenied, ran: 2 },
    { name: 'a later non-final decision replaces an earlier one', steps: [unreachable, unknownTag], expected: unknownTag, ran: 2 },
    { name: 'a final refusal after a non-final acceptance wins', steps: [softAccept, blocked], expected: blocked, ran: 2 },
  ])('$name', async ({ steps, expected, ran }) => {
    const c = chain(steps);
    expect(await c.authorize(request())).toEqual(expected);
    expect(c.seen).toHaveLength(ran);
  });

  it.each([
    { steps: [undefined, unreachable, undefined, accepted] },
    { steps: [unknownTag, undefined, softAccept, blocked] },
  ])('each source is handed the decision so far, starting from Invalid ($steps.length links)', async ({ steps }) => {
    const c = chain(steps);
    await c.authorize(request());
    const expectedSeen = steps.map((_, i) => steps.slice(0, i).filter((s) => s !== undefined).at(-1) ?? INVALID);
    expect(c.seen).toEqual(expectedSeen);
  });
});

describe('decision chain: guards', () => {
  it.each<{ name: string; steps: (Decision | undefined)[]; guards: ('pass' | Decision)[]; expected: Decision; ran: number }>([
    { name: 'an acceptance every guard passes stands', steps: [accepted], guards: ['pass', 'pass'], expected: accepted, ran: 2 },
    { name: 'a guard refuses an acceptance', steps: [webhookAccepted], guards: [concurrent], expected: concurrent, ran: 1 },
    { name: 'the first refusal stops the guards', steps: [accepted], guards: ['pass', blocked, 'pass'], expected: blocked, ran: 2 },
    { name: 'a later guard cannot upgrade an earlier refusal', steps: [accepted], guards: [blocked, accepted], expected: blocked, ran: 1 },
    { name: 'a non-final acceptance left standing is guarded too', steps: [softAccept, undefined], guards: [blocked], expected: blocked, ran: 1 },
    { name: 'a refusal is never guarded, so never upgraded', steps: [blocked], guards: [accepted], expected: blocked, ran: 0 },
    { name: 'the default is never guarded', steps: [undefined], guards: [accepted], expected: INVALID, ran: 0 },
    { name: 'a non-final refusal is never guarded', steps: [unreachable], guards: [accepted], expected: unreachable, ran: 0 },
    { name: 'an offline denial is never guarded', steps: [unreachable, offlineDenied], guards: [accepted], expected: offlineDenied, ran: 0 },
  ])('$name', async ({ steps, guards, expected, ran }) => {
    const c = chain(steps, guards);
    expect(await c.authorize(request())).toEqual(expected);
    expect(c.ran).toHaveLength(ran);
  });

  it('hands each guard the decision the one before it passed', async () => {
    const c = chain([accepted], ['pass', 'pass']);
    await c.authorize(request());
    expect(c.ran).toEqual([accepted, accepted]);
  });
});

describe('decision chain: decided', () => {
  it.each<{ name: string; steps: (Decision | undefined)[]; guards: ('pass' | Decision)[] }>([
    { name: 'the default', steps: [undefined], guards: [] },
    { name: 'a final source decision', steps: [accepted, blocked], guards: ['pass'] },
    { name: 'a non-final decision left standing', steps: [unreachable], guards: [] },
    { name: 'a guard’s refusal, not the acceptance it replaced', steps: [accepted], guards: [blocked] },
  ])('is told $name once, as handed back', async ({ steps, guards }) => {
    const c = chain(steps, guards);
    const d = await c.authorize(request());
    expect(c.told).toEqual([d]);
  });

  it('is told once per authorization, each with its own decision', async () => {
    const c = chain([undefined]);
    await Promise.all([c.authorize(request()), c.authorize(request({ idTag: 'OTHER' }))]);
    expect(c.told).toEqual([INVALID, INVALID]);
  });

  it('is optional', async () => {
    const authorize = createAuthorizer({ authorizers: [async () => accepted] });
    expect(await authorize(request())).toEqual(accepted);
  });
});

// The chain as buildAuthorization assembles it, over a scripted store and provider: which source
// decides for which installation, and the ConcurrentTx guard on and off (rejectConcurrentTx).

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildAuthorization } from '../../src/authorization/build.js';
import type { AuthorizationRequest, Decision } from '../../src/authorization/types.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { StartOutcome } from '../../src/providers/sessionStart.js';
import type { IdTag } from '../../src/store/idTags.js';
import type { Store } from '../../src/store/index.js';
import type { ProviderSettings } from '../../src/store/installations.js';
import { decision, idTag, providerSettings, request } from './fakes.js';

interface World {
  settings: ProviderSettings;
  provider?: StartOutcome;
  stored?: IdTag;
  busyElsewhere?: boolean;
  rejectConcurrentTx?: boolean;
  /** The reservation holding the connector, if any. */
  reservedFor?: { idTag: string; parentIdTag: string | null };
}

function build(world: World) {
  const calls = { provider: 0, idTags: 0, active: [] as string[] };
  const store = {
    installations: { providerSettings: async () => world.settings },
    idTags: { find: async () => (calls.idTags++, world.stored) },
    transactions: { hasActiveElsewhere: async (_i: string, key: string) => (calls.active.push(key), world.busyElsewhere ?? false) },
    reservations: { holding: async () => world.reservedFor },
    // No order chosen: the default one (provider, then id tags).
    authSources: { get: async () => null },
  } as unknown as Store;
  const { authorize } = buildAuthorization({
    // Small caches: the defaults preallocate 100,000 slots each, which is most of a build's cost.
    config: parseConfig({ rejectConcurrentTx: world.rejectConcurrentTx ?? true, decisionCacheSize: 100, idTagCacheTtlMs: 0 }),
    store,
    recentTagAdded: () => undefined,
    log: createLogger('silent'),
    metrics: new Registry(),
    callSessionStart: async () => (calls.provider++, world.provider ?? { kind: 'unreachable', reason: 'timeout', detail: 'not scripted' }),
  });
  return { authorize: (over: Partial<AuthorizationRequest> = {}) => authorize(request(over)), calls };
}

const NATIVE = providerSettings({ mode: 'native' });
const WEBHOOK = providerSettings();
const LENIENT = providerSettings({ offlineAllow: true });
const allowed: StartOutcome = { kind: 'allowed', sessionId: 'ps-1' };
const refused: StartOutcome = { kind: 'refused', status: 'Blocked', reason: 'provider_refused' };
const timeout: StartOutcome = { kind: 'unreachable', reason: 'timeout', detail: 'no answer' };

describe('the chain as built: who decides', () => {
  const unknownTag: Decision = { status: 'Invalid', source: 'default', reason: 'unknown_id_tag', final: false };
  it.each<{ name: string; world: World; expected: Decision; asks: 'provider' | 'id tags' }>([
    { name: 'native mode: the id tag list', world: { settings: NATIVE, stored: idTag('Accepted') }, expected: decision('Accepted', 'native', 'accepted'), asks: 'id tags' },
    { name: 'native mode, unknown tag: the safe default', world: { settings: NATIVE }, expected: unknownTag, asks: 'id tags' },
    {
      name: 'webhook mode: the provider, before a blocked native tag',
      world: { settings: WEBHOOK, provider: allowed, stored: idTag('Blocked') },
      expected: decision('Accepted', 'webhook', 'provider_allowed', { sessionId: 'ps-1' }),
      asks: 'provider',
    },
    {
      name: 'webhook mode: the provider’s refusal, before an accepted native tag',
      world: { settings: WEBHOOK, provider: refused, stored: idTag('Accepted') },
      expected: decision('Blocked', 'webhook', 'provider_refused'),
      asks: 'provider',
    },
    {
      name: 'provider unreachable: the offline policy, before an accepted native tag',
      world: { settings: WEBHOOK, provider: timeout, stored: idTag('Accepted') },
      expected: decision('Invalid', 'offline', 'offline_denied:timeout'),
      asks: 'provider',
    },
    {
      name: 'provider unreachable, offline allowed',
      world: { settings: LENIENT, provider: timeout },
      expected: decision('Accepted', 'offline', 'offline_allowed:timeout'),
      asks: 'provider',
    },
    {
      name: 'webhook mode without a start URL: the id tag list',
      world: { settings: providerSettings({ sessionStartUrl: null }), stored: idTag('Blocked') },
      expected: decision('Blocked', 'native', 'blocked'),
      asks: 'id tags',
    },
  ])('$name', async ({ world, expected, asks }) => {
    const b = build(world);
    expect(await b.authorize()).toEqual(expected);
    expect({ provider: b.calls.provider, idTags: b.calls.idTags }).toEqual(asks === 'provider' ? { provider: 1, idTags: 0 } : { provider: 0, idTags: 1 });
  });
});

describe('the chain as built: rejectConcurrentTx', () => {
  const start = { trigger: 'StartTransaction', connectorId: 1, idTag: 'card' } as const;
  it.each<{ name: string; world: Omit<World, 'busyElsewhere'>; on: Decision['status']; off: Decision['status'] }>([
    { name: 'a native acceptance', world: { settings: NATIVE, stored: idTag('Accepted') }, on: 'ConcurrentTx', off: 'Accepted' },
    { name: 'a provider acceptance', world: { settings: WEBHOOK, provider: allowed }, on: 'ConcurrentTx', off: 'Accepted' },
    { name: 'an offline acceptance', world: { settings: LENIENT, provider: timeout }, on: 'ConcurrentTx', off: 'Accepted' },
    { name: 'a provider refusal', world: { settings: WEBHOOK, provider: refused }, on: 'Blocked', off: 'Blocked' },
    { name: 'a native refusal', world: { settings: NATIVE, stored: idTag('Expired') }, on: 'Expired', off: 'Expired' },
  ])('$name for a tag busy elsewhere: $on when on, $off when off', async ({ world, on, off }) => {
    const guarded = build({ ...world, busyElsewhere: true, rejectConcurrentTx: true });
    expect((await guarded.authorize(start)).status).toBe(on);
    expect(guarded.calls.active).toEqual(on === 'ConcurrentTx' ? ['CARD'] : []);
    const unguarded = build({ ...world, busyElsewhere: true, rejectConcurrentTx: false });
    expect((await unguarded.authorize(start)).status).toBe(off);
    expect(unguarded.calls.active).toEqual([]);
  });

  it('leaves an Authorize alone: only a start is one transaction too many', async () => {
    const b = build({ settings: NATIVE, stored: idTag('Accepted'), busyElsewhere: true });
    expect((await b.authorize({ trigger: 'Authorize', connectorId: 1 })).status).toBe('Accepted');
    expect(b.calls.active).toEqual([]);
  });
});

describe('the chain as built: a reserved connector', () => {
  const start = { trigger: 'StartTransaction', connectorId: 1, idTag: 'card' } as const;
  it.each<{ name: string; reservedFor: World['reservedFor']; stored: IdTag; status: Decision['status'] }>([
    { name: 'the reserved tag, any case', reservedFor: { idTag: 'CARD', parentIdTag: null }, stored: idTag('Accepted'), status: 'Accepted' },
    { name: 'a tag of the reserved group', reservedFor: { idTag: 'other', parentIdTag: 'FLEET' }, stored: { ...idTag('Accepted'), parentIdTag: 'fleet' }, status: 'Accepted' },
    { name: 'another tag', reservedFor: { idTag: 'other', parentIdTag: 'FLEET' }, stored: idTag('Accepted'), status: 'Invalid' },
    { name: 'no reservation', reservedFor: undefined, stored: idTag('Accepted'), status: 'Accepted' },
  ])('starts $name: $status', async ({ reservedFor, stored, status }) => {
    const b = build({ settings: NATIVE, stored, reservedFor, rejectConcurrentTx: false });
    expect((await b.authorize(start)).status).toBe(status);
  });

  it('leaves an Authorize alone: the reservation is checked when the session starts', async () => {
    const b = build({ settings: NATIVE, stored: idTag('Accepted'), reservedFor: { idTag: 'other', parentIdTag: null }, rejectConcurrentTx: false });
    expect((await b.authorize({ trigger: 'Authorize', connectorId: 1 })).status).toBe('Accepted');
  });
});

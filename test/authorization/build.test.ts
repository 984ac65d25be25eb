// The chain as buildAuthorization assembles it, over a scripted store and provider: which source
// decides for which installation, the ConcurrentTx guard on and off (rejectConcurrentTx), and reserved connectors.

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildAuthorization } from '../../src/authorization/build.js';
import type { HeldFor } from '../../src/authorization/reservation.js';
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
  /** The reservation holding the connector asked about. */
  reserved?: HeldFor;
}

function build(world: World) {
  const calls = { provider: 0, idTags: 0, active: [] as string[] };
  const store = {
    installations: { providerSettings: async () => world.settings },
    idTags: { find: async () => (calls.idTags++, world.stored) },
    transactions: { hasActiveElsewhere: async (_i: string, key: string) => (calls.active.push(key), world.busyElsewhere ?? false) },
    reservations: { holding: async () => world.reserved },
  } as unknown as Store;
  const { authorize } = buildAuthorization({
    // Small caches: the defaults preallocate 100,000 slots each, which is most of a build's cost.
    config: parseConfig({ rejectConcurrentTx: world.rejectConcurrentTx ?? true, decisionCacheSize: 100, idTagCacheTtlMs: 0 }),
    store,
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
  const forOther = { idTag: 'OTHER', parentIdTag: 'FLEET-9' };

  it.each<{ name: string; world: World; status: Decision['status']; reason?: string }>([
    { name: 'a native acceptance of another tag', world: { settings: NATIVE, stored: idTag('Accepted'), reserved: forOther }, status: 'Invalid', reason: 'reserved_for_another' },
    { name: 'a provider acceptance of another tag', world: { settings: WEBHOOK, provider: allowed, reserved: forOther }, status: 'Invalid', reason: 'reserved_for_another' },
    { name: 'the reserved tag, in any case', world: { settings: NATIVE, stored: idTag('Accepted'), reserved: { idTag: 'CARD', parentIdTag: null } }, status: 'Accepted' },
    { name: 'a tag with the reservation parent', world: { settings: NATIVE, stored: idTag('Accepted', { parentIdTag: 'fleet-9' }), reserved: forOther }, status: 'Accepted' },
    { name: 'a refusal stays as it was', world: { settings: NATIVE, stored: idTag('Blocked'), reserved: forOther }, status: 'Blocked', reason: 'blocked' },
  ])('$name: $status', async ({ world, status, reason }) => {
    const d = await build(world).authorize(start);
    expect(d.status).toBe(status);
    if (reason) expect(d.reason).toBe(reason);
  });

  it('leaves an Authorize alone: it names no connector', async () => {
    const b = build({ settings: NATIVE, stored: idTag('Accepted'), reserved: forOther });
    expect((await b.authorize({ trigger: 'Authorize' })).status).toBe('Accepted');
  });
});

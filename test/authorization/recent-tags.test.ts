// Which provider acceptances are kept for native+recent lists: fresh, final, unexpired ones only.
import { describe, expect, it } from 'vitest';
import { recentTagRecorder } from '../../src/authorization/recentTags.js';
import { createLogger } from '../../src/log.js';
import type { RecentIdTag } from '../../src/store/localLists.js';
import { decision, providerSettings, SITE } from './fakes.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const req = { installationId: SITE, chargerId: 'CP', idTag: 'T1', trigger: 'Authorize' as const };

function harness(mode: 'native' | 'native+recent', cacheTtlSec = 60) {
  const kept: RecentIdTag[] = [];
  const added: string[] = [];
  const record = recentTagRecorder({
    settings: { get: async () => providerSettings({ localList: { mode, recentDays: 30 } }), forget: () => undefined },
    remember: async (_i, tag) => (kept.push(tag), { created: kept.length === 1 }),
    added: (i) => added.push(i),
    cacheTtlSec,
    log: createLogger('silent'),
    now: () => NOW,
  });
  const settle = () => new Promise((r) => setTimeout(r, 10));
  return { kept, added, record, settle };
}

describe('recentTagRecorder', () => {
  it("keeps a provider acceptance with its expiry and parent, and tells the list when the tag is new", async () => {
    const h = harness('native+recent');
    h.record(req, decision('Accepted', 'webhook', 'provider_allowed', { expiryDate: '2026-07-01T00:00:00.000Z', parentIdTag: 'P' }));
    h.record(req, decision('Accepted', 'webhook', 'provider_allowed'));
    await h.settle();
    expect(h.kept[0]).toEqual({ idTag: 'T1', idTokenType: null, expiryDate: '2026-07-01T00:00:00.000Z', parentIdTag: 'P', lastUsedAt: NOW.toISOString() });
    expect(h.kept).toHaveLength(2);
    expect(h.added).toEqual([SITE]);
  });

  it('keeps nothing that must not be cached: offline or cached decisions, refusals, expired acceptances, caching off, or lists not native+recent', async () => {
    const refusals = [
      decision('Accepted', 'offline', 'offline_allowed:x'),
      decision('Accepted', 'cache', 'provider_unreachable_cached_acceptance'),
      decision('Blocked', 'webhook', 'provider_refused'),
      decision('Accepted', 'webhook', 'provider_allowed', { expiryDate: '2026-05-01T00:00:00.000Z' }),
      decision('Accepted', 'native', 'accepted'),
    ];
    const h = harness('native+recent');
    for (const d of refusals) h.record(req, d);
    const noCache = harness('native+recent', 0);
    noCache.record(req, decision('Accepted', 'webhook', 'provider_allowed'));
    const native = harness('native');
    native.record(req, decision('Accepted', 'webhook', 'provider_allowed'));
    await h.settle();
    expect([...h.kept, ...noCache.kept, ...native.kept]).toEqual([]);
  });
});

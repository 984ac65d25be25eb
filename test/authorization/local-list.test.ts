// The Local Authorization List derived from the policy: what goes in, in which order, and what a Differential sends.
import { describe, expect, it } from 'vitest';
import { chunk, contentHash, deriveLocalList, diffLists, type ListSources } from '../../src/authorization/localList.js';
import type { IdTag } from '../../src/store/idTags.js';
import type { RecentIdTag } from '../../src/store/localLists.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const native = (idTag: string, over: Partial<IdTag> = {}): IdTag => ({
  idTag, status: 'Accepted', expiryDate: null, parentIdTag: null, type: null, createdAt: '', updatedAt: '', ...over,
});
const recent = (idTag: string, lastUsedAt: string, over: Partial<RecentIdTag> = {}): RecentIdTag => ({
  idTag, idTokenType: null, expiryDate: null, parentIdTag: null, lastUsedAt, ...over,
});
const sources = (over: Partial<ListSources>): ListSources => ({ natives: [], recent: [], lastStarts: new Map(), recentDays: 30, now: NOW, ...over });

describe('deriveLocalList', () => {
  it('lists native tags with their status, expiry and parent; a lapsed Accepted tag goes as Expired', () => {
    const list = deriveLocalList(sources({
      natives: [
        native('OK1', { parentIdTag: 'FLEET' }),
        native('BLOCKED1', { status: 'Blocked' }),
        native('OLD1', { expiryDate: '2026-01-01T00:00:00.000Z' }),
        native('GONE1', { status: 'Expired' }),
      ],
    }));
    expect(list).toEqual([
      { idTag: 'BLOCKED1', info: { status: 'Blocked' } },
      { idTag: 'GONE1', info: { status: 'Expired' } },
      { idTag: 'OK1', info: { status: 'Accepted', parentIdTag: 'FLEET' } },
      { idTag: 'OLD1', info: { status: 'Expired', expiryDate: '2026-01-01T00:00:00.000Z' } },
    ]);
  });

  it("adds recent acceptances with the provider's expiry, or the end of the window; drops lapsed ones and never overrides a native tag", () => {
    const list = deriveLocalList(sources({
      natives: [native('mine', { status: 'Blocked' })],
      recent: [
        recent('R-EXP', '2026-05-30T00:00:00.000Z', { expiryDate: '2026-06-10T00:00:00.000Z', parentIdTag: 'P' }),
        recent('R-WIN', '2026-05-20T00:00:00.000Z'),
        recent('R-LAPSED', '2026-05-20T00:00:00.000Z', { expiryDate: '2026-05-25T00:00:00.000Z' }),
        recent('MINE', '2026-05-31T00:00:00.000Z'),
      ],
    }));
    expect(list).toEqual([
      { idTag: 'R-EXP', info: { status: 'Accepted', expiryDate: '2026-06-10T00:00:00.000Z', parentIdTag: 'P' } },
      { idTag: 'R-WIN', info: { status: 'Accepted', expiryDate: '2026-06-19T00:00:00.000Z' } },
      { idTag: 'mine', info: { status: 'Blocked' } },
    ]);
  });

  it('orders by last use, most recent first, and cuts to the charger maximum', () => {
    const lastStarts = new Map([['N-OLD', '2026-01-01T00:00:00.000Z'], ['N-NEW', '2026-05-01T00:00:00.000Z']]);
    const input = sources({
      natives: [native('n-never'), native('n-old'), native('n-new')],
      recent: [recent('r-mid', '2026-03-01T00:00:00.000Z', { expiryDate: '2027-01-01T00:00:00.000Z' })],
      recentDays: 365,
      lastStarts,
    });
    expect(deriveLocalList(input).map((e) => e.idTag)).toEqual(['n-new', 'r-mid', 'n-old', 'n-never']);
    expect(deriveLocalList(input, 2).map((e) => e.idTag)).toEqual(['n-new', 'r-mid']);
  });

  it('keeps the 2.0.1 token type a tag is limited to', () => {
    expect(deriveLocalList(sources({ natives: [native('E1', { type: 'eMAID' })] }))).toEqual([{ idTag: 'E1', type: 'eMAID', info: { status: 'Accepted' } }]);
  });
});

describe('contentHash and diffLists', () => {
  const a = { idTag: 'A', info: { status: 'Accepted' as const } };
  const b = { idTag: 'B', info: { status: 'Accepted' as const } };
  const bBlocked = { idTag: 'B', info: { status: 'Blocked' as const } };
  const c = { idTag: 'C', info: { status: 'Accepted' as const, expiryDate: '2027-01-01T00:00:00.000Z' } };

  it('hashes content, not order', () => {
    expect(contentHash([a, b])).toBe(contentHash([b, a]));
    expect(contentHash([a, b])).not.toBe(contentHash([a, bBlocked]));
  });

  it('sends added and changed entries, and removed ones without idTagInfo', () => {
    expect(diffLists([a, b], [a, bBlocked, c])).toEqual([bBlocked, c]);
    expect(diffLists([a, b, c], [b])).toEqual([{ idTag: 'A' }, { idTag: 'C' }]);
    expect(diffLists([a], [a])).toEqual([]);
  });

  it('chunks by the charger maximum per message', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2], null)).toEqual([[1, 2]]);
    expect(chunk([], 2)).toEqual([[]]);
  });
});

// The native id tag list on a fixed clock: every stored status, expiry before, at and after now,
// the parent tag carried, and an unknown tag left to later sources.

import { describe, expect, it } from 'vitest';
import { INVALID } from '../../src/authorization/chain.js';
import { nativeAuthorizer } from '../../src/authorization/native.js';
import type { Decision } from '../../src/authorization/types.js';
import type { IdTag } from '../../src/store/idTags.js';
import { at, decision, HOUR, idTag, request, SITE, T0, unreachable } from './fakes.js';

function setup(stored: IdTag | undefined) {
  const asked: [string, string][] = [];
  const authorize = nativeAuthorizer({
    findIdTag: async (installationId, tag) => {
      asked.push([installationId, tag]);
      return stored;
    },
    now: () => new Date(T0),
  });
  return { authorize, asked };
}

const EXPIRIES = { none: null, 'a day ahead': at(24 * HOUR), 'a millisecond ahead': at(1), 'right now': at(0), 'a millisecond ago': at(-1) };
type Expiry = keyof typeof EXPIRIES;
const STILL_VALID: Expiry[] = ['none', 'a day ahead', 'a millisecond ahead'];

/** What the list answers for a stored status and expiry: only the status decides, unless an Accepted tag has expired. */
function expected(status: IdTag['status'], expiry: Expiry): [Decision['status'], string] {
  if (status === 'Blocked') return ['Blocked', 'blocked'];
  if (status === 'Expired' || !STILL_VALID.includes(expiry)) return ['Expired', 'expired'];
  return ['Accepted', 'accepted'];
}

const rows = (['Accepted', 'Blocked', 'Expired'] as const).flatMap((status) =>
  (Object.keys(EXPIRIES) as Expiry[]).flatMap((expiry) => [null, 'PARENT'].map((parentIdTag) => ({ status, expiry, parentIdTag }))),
);

describe('native id tags', () => {
  it.each(rows)('stored $status, expiry $expiry, parent $parentIdTag', async ({ status, expiry, parentIdTag }) => {
    const expiryDate = EXPIRIES[expiry];
    const { authorize } = setup(idTag(status, { expiryDate, parentIdTag }));
    const [decided, reason] = expected(status, expiry);
    const extra = { ...(expiryDate && { expiryDate }), ...(parentIdTag && { parentIdTag }) };
    expect(await authorize(request(), INVALID)).toEqual(decision(decided, 'native', reason, extra));
  });

  it.each(['Invalid', 'ConcurrentTx', 'accepted', ''])('refuses a stored status the list does not know (%s, written around the API)', async (status) => {
    const { authorize } = setup(idTag(status as IdTag['status'], { parentIdTag: 'PARENT' }));
    expect(await authorize(request(), INVALID)).toEqual(decision('Invalid', 'native', 'unknown_status', { parentIdTag: 'PARENT' }));
  });

  it.each<{ name: string; current: Decision }>([
    { name: 'the default', current: INVALID },
    { name: 'an unreachable provider’s non-final decision', current: unreachable('timeout') },
  ])('leaves an unknown tag undecided, keeping $name and saying why', async ({ current }) => {
    const { authorize } = setup(undefined);
    expect(await authorize(request(), current)).toEqual({ ...current, reason: 'unknown_id_tag' });
  });

  it.each(['card', 'CARD', 'CaRd'])('asks the list for the tag as the charger spelled it (%s): the store matches it case-insensitively', async (spelling) => {
    const { authorize, asked } = setup(idTag('Accepted'));
    await authorize(request({ idTag: spelling, installationId: 'inst-9' }), INVALID);
    expect(asked).toEqual([['inst-9', spelling]]);
  });

  it('decides the same whatever was decided before it', async () => {
    const { authorize } = setup(idTag('Accepted'));
    expect(await authorize(request(), decision('Blocked', 'webhook', 'provider_refused', { final: false }))).toEqual(decision('Accepted', 'native', 'accepted'));
  });

  it('reads the clock at each decision, not once', async () => {
    let now = T0;
    const authorize = nativeAuthorizer({ findIdTag: async () => idTag('Accepted', { expiryDate: at(HOUR) }), now: () => new Date(now) });
    expect((await authorize(request(), INVALID))?.status).toBe('Accepted');
    now = T0 + HOUR;
    expect((await authorize(request({ installationId: SITE }), INVALID))?.status).toBe('Expired');
  });
});

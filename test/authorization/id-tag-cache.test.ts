// The short-lived memory in front of the native id tag lookups: one lookup per tag whatever its
// case, unknown tags remembered too, and forgetting an installation at once.

import { describe, expect, it } from 'vitest';
import { cachedIdTags } from '../../src/authorization/idTagCache.js';
import type { IdTag } from '../../src/store/idTags.js';
import { idTag, SITE } from './fakes.js';

function setup(stored: Record<string, IdTag>, ttlMs = 60_000) {
  const asked: string[] = [];
  const tags = cachedIdTags(
    async (installationId, tag) => {
      asked.push(`${installationId}/${tag}`);
      return stored[tag.toUpperCase()];
    },
    { ttlMs, max: 100 },
  );
  return { tags, asked };
}

describe('id tag cache', () => {
  it.each<{ name: string; lookups: [string, string][]; asked: number }>([
    { name: 'the same tag twice', lookups: [[SITE, 'CARD'], [SITE, 'CARD']], asked: 1 },
    { name: 'the same tag in three cases', lookups: [[SITE, 'CARD'], [SITE, 'card'], [SITE, 'Card']], asked: 1 },
    { name: 'an unknown tag twice', lookups: [[SITE, 'NOBODY'], [SITE, 'nobody']], asked: 1 },
    { name: 'two tags', lookups: [[SITE, 'CARD'], [SITE, 'OTHER']], asked: 2 },
    { name: 'one tag in two installations', lookups: [[SITE, 'CARD'], ['inst-2', 'CARD']], asked: 2 },
  ])('$name: $asked lookup(s)', async ({ lookups, asked }) => {
    const { tags, asked: made } = setup({ CARD: idTag('Accepted') });
    for (const [installationId, tag] of lookups) await tags.find(installationId, tag);
    expect(made).toHaveLength(asked);
  });

  it('answers every spelling with the stored tag', async () => {
    const card = idTag('Blocked');
    const { tags } = setup({ CARD: card });
    expect(await tags.find(SITE, 'CARD')).toBe(card);
    expect(await tags.find(SITE, 'card')).toBe(card);
    expect(await tags.find(SITE, 'nobody')).toBeUndefined();
  });

  it('forgets one installation at once, and only that one', async () => {
    const { tags, asked } = setup({ CARD: idTag('Accepted') });
    for (const site of [SITE, 'inst-2', `${SITE}0`]) await tags.find(site, 'CARD');
    tags.forgetInstallation(SITE);
    for (const site of [SITE, 'inst-2', `${SITE}0`]) await tags.find(site, 'CARD');
    expect(asked).toEqual([`${SITE}/CARD`, 'inst-2/CARD', `${SITE}0/CARD`, `${SITE}/CARD`]);
  });

  it('with a TTL of 0, asks the store every time', async () => {
    const { tags, asked } = setup({ CARD: idTag('Accepted') }, 0);
    await tags.find(SITE, 'CARD');
    await tags.find(SITE, 'CARD');
    expect(asked).toHaveLength(2);
  });
});

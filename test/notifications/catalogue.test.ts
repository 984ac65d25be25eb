import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, EVENT_TYPES } from '../../src/notifications/catalogue.js';
import { renderEventsDoc } from '../../src/notifications/eventsDoc.js';
import { EXAMPLES } from '../../src/notifications/examples.js';

describe('the event catalogue', () => {
  it('is documented in docs/events.md as the code defines it (run npm run docs:events)', () => {
    expect(readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8')).toBe(renderEventsDoc());
  });

  it.each(EVENT_TYPES)('has an example of %s that matches its schema', (type) => {
    expect(CATALOGUE[type].data.safeParse(EXAMPLES[type]).success).toBe(true);
  });
});

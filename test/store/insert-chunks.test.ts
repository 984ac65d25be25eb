import { describe, expect, it } from 'vitest';
import { insertChunks } from '../../src/store/db.js';

describe('rows for a multi-row insert', () => {
  it('come in power-of-two chunks of at most the maximum, in order, none lost', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => i);
    for (const n of [0, 1, 2, 3, 7, 137, 256, 257, 1000]) {
      const chunks = insertChunks(rows.slice(0, n), 256);
      expect(chunks.flat()).toEqual(rows.slice(0, n));
      expect(chunks.every((c) => c.length <= 256 && (c.length & (c.length - 1)) === 0)).toBe(true);
    }
    // Few distinct sizes whatever the counts, so few distinct statements.
    const sizes = new Set(Array.from({ length: 600 }, (_, n) => insertChunks(rows.slice(0, n), 256).map((c) => c.length)).flat());
    expect(sizes.size).toBeLessThanOrEqual(9);
  });
});

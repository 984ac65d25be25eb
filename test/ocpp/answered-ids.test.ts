import { describe, expect, it } from 'vitest';
import { createIdRing } from '../../src/ocpp/rpcPatches.js';

describe('answered message ids (fingerprint ring)', () => {
  it('remembers the last `size` ids and forgets older ones', () => {
    const ring = createIdRing(4);
    expect(ring.has('a')).toBe(false);
    for (const id of ['a', 'b', 'c', 'd']) ring.add(id);
    expect(['a', 'b', 'c', 'd'].every((id) => ring.has(id))).toBe(true);
    ring.add('e');
    expect(ring.has('a')).toBe(false);
    expect(ring.has('e')).toBe(true);
  });

  it('tells 10,000 distinct ids apart from 10,000 others, escapes and non-ASCII included', () => {
    const ring = createIdRing(10_000);
    const ids = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `id-${i}` : i % 3 === 1 ? `ünï\\"${i}` : String(i)));
    for (const id of ids) ring.add(id);
    expect(ids.every((id) => ring.has(id))).toBe(true);
    expect(Array.from({ length: 10_000 }, (_, i) => `other-${i}`).some((id) => ring.has(id))).toBe(false);
    expect(ring.has('')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { createAnsweredCalls, createIdRing } from '../../src/ocpp/rpc/answeredCalls.js';

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

describe('answered calls of one connection', () => {
  it('refuses an id already in flight, keeps the last 8 replies whole and older ids as fingerprints', () => {
    const calls = createAnsweredCalls();
    expect(calls.started('m-1')).toBe(true);
    expect(calls.started('m-1')).toBe(false);
    calls.answered('m-1', '[3,"m-1",{}]');
    expect(calls.replyTo('m-1')).toBe('[3,"m-1",{}]');
    expect(calls.wasAnswered('m-1')).toBe(true);
    for (let i = 2; i <= 9; i++) {
      expect(calls.started(`m-${i}`)).toBe(true);
      calls.answered(`m-${i}`, `reply ${i}`);
    }
    expect(calls.replyTo('m-1')).toBeUndefined();
    expect(calls.wasAnswered('m-1')).toBe(true);
    expect(calls.replyTo('m-2')).toBe('reply 2');
    expect(calls.replyTo('m-9')).toBe('reply 9');
  });

  it('keeps no reply for an id that was not in flight, and frees an answered id from the in-flight list', () => {
    const calls = createAnsweredCalls();
    calls.answered('never-sent', 'x');
    expect(calls.replyTo('never-sent')).toBeUndefined();
    for (const id of ['a', 'b', 'c']) calls.started(id);
    calls.answered('b', 'reply b');
    expect(calls.started('b')).toBe(true);
    expect(calls.started('a')).toBe(false);
    expect(calls.started('c')).toBe(false);
  });
});

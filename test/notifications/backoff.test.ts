import { describe, expect, it } from 'vitest';
import { probeBackoffMs } from '../../src/notifications/delivery/dispatcher.js';
import { retryAfterMs } from '../../src/notifications/delivery/webhookSink.js';
import { RESPONSE_MAX_BYTES, utf8Prefix } from '../../src/store/deliveries.js';

describe('probe backoff of a queued subscription', () => {
  it('doubles from 1 s with each failure and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => probeBackoffMs(n, 20_000))).toEqual([1000, 2000, 4000, 8000, 16_000, 20_000]);
    expect(probeBackoffMs(60, 300_000)).toBe(300_000);
  });

  it('never waits less than 1 s, even before the first counted failure', () => {
    expect(probeBackoffMs(0, 300_000)).toBe(1000);
  });

  it('never waits past a cap below 1 s', () => {
    expect(probeBackoffMs(1, 300)).toBe(300);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-23T10:00:00.000Z');

  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs(['3', '9'], now)).toBe(3000);
  });

  it('reads an HTTP-date as the time left until then, and a past date as now', () => {
    expect(retryAfterMs('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 23 Nov 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('ignores what is neither', () => {
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs('', now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
  });
});

describe('the reply kept in the delivery log', () => {
  it('is cut at 1 KB of UTF-8, never inside a character', () => {
    const ascii = 'a'.repeat(RESPONSE_MAX_BYTES + 10);
    expect(utf8Prefix(ascii, RESPONSE_MAX_BYTES)).toBe('a'.repeat(RESPONSE_MAX_BYTES));
    // 'é' is 2 bytes: 1023 ASCII bytes leave room for 1 byte, so the 'é' must go whole.
    const twoByte = 'a'.repeat(RESPONSE_MAX_BYTES - 1) + 'é' + 'z';
    expect(utf8Prefix(twoByte, RESPONSE_MAX_BYTES)).toBe('a'.repeat(RESPONSE_MAX_BYTES - 1));
    // '€' is 3 bytes and '😀' 4 (two UTF-16 units).
    for (const ch of ['€', '😀']) {
      const text = ch.repeat(RESPONSE_MAX_BYTES);
      const cut = utf8Prefix(text, RESPONSE_MAX_BYTES);
      const bytes = Buffer.byteLength(ch);
      expect(Buffer.byteLength(cut)).toBe(Math.floor(RESPONSE_MAX_BYTES / bytes) * bytes);
      expect(cut).toBe(ch.repeat(Math.floor(RESPONSE_MAX_BYTES / bytes)));
    }
  });

  it('keeps a reply that fits as it is', () => {
    expect(utf8Prefix('{"ok":true,"name":"Ærø"}', RESPONSE_MAX_BYTES)).toBe('{"ok":true,"name":"Ærø"}');
    expect(utf8Prefix('', RESPONSE_MAX_BYTES)).toBe('');
  });
});

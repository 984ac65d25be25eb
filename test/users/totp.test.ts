// TOTP as RFC 6238 defines it, checked against the RFC's own test vectors (Appendix B, SHA-1).

import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, matchTotp, otpauthUrl, stepAt, totpAt } from '../../src/users/totp.js';

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890"; codes have 8 digits. */
const SEED = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('gives the RFC code at T=%i', (unixSec, code) => {
    expect(totpAt(SEED, stepAt(unixSec * 1000), 8)).toBe(code);
  });

  it('gives the 6-digit code apps show (the last six digits of the RFC code)', () => {
    for (const [unixSec, code] of VECTORS) expect(totpAt(SEED, stepAt(unixSec * 1000))).toBe(code.slice(2));
  });

  it('reads the base32 secret authenticator apps are given', () => {
    const secret = base32Encode(SEED);
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(secret).equals(SEED)).toBe(true);
    expect(base32Decode(secret.toLowerCase()).equals(SEED)).toBe(true);
  });

  it('accepts a code one step early or late and refuses two steps off, naming the step it matched', () => {
    const secret = base32Encode(SEED);
    const now = 1_234_567_890_000;
    const step = stepAt(now);
    for (const offset of [-1, 0, 1]) expect(matchTotp(secret, totpAt(SEED, step + offset), now)).toBe(step + offset);
    for (const offset of [-2, 2]) expect(matchTotp(secret, totpAt(SEED, step + offset), now)).toBeUndefined();
    expect(matchTotp(secret, '12345', now)).toBeUndefined();
    expect(matchTotp(secret, 'abcdef', now)).toBeUndefined();
  });

  it('builds the otpauth URI apps scan', () => {
    const text = otpauthUrl('EV gateway', 'ann@example.com', 'JBSWY3DPEHPK3PXP');
    expect(text.startsWith('otpauth://totp/EV%20gateway:ann%40example.com?')).toBe(true);
    expect(Object.fromEntries(new URL(text).searchParams)).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'EV gateway', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});

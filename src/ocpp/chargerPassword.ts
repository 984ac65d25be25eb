import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Charger passwords (security profiles 1 and 2) are stored as scrypt hashes. The cost is kept
 * moderate (N=2^13): passwords are 16–40 random characters, so the hash guards a leaked table,
 * not a guessable secret, and a reconnect storm verifies thousands of them off the event loop.
 */
const N = 8192;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(password: Buffer | string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: Buffer | string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** OCPP 1.6 security whitepaper: 16 to 40 characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt hashes, stored as `scrypt$N$r$p$salt$key` so the cost can be raised later without
 * breaking hashes already stored: verification reads the parameters from the hash itself.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

const KEYLEN = 32;

function derive(password: Buffer | string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // 128 * N * r bytes are needed; twice that leaves room without letting a stored hash ask for gigabytes.
  const maxmem = Math.max(64 * 1024 * 1024, 256 * cost.N * cost.r);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashSecret(password: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Timing-safe; a malformed or absurd hash is simply "no match". */
export async function verifySecret(password: Buffer | string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !key || !(cost.N <= 1 << 20 && cost.r <= 32 && cost.p <= 16)) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), cost);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './log.js';

/** Seals provider credentials for the database with AES-256-GCM; only this module sees plaintext keys. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** True when `sealed` was sealed with an older key and should be sealed again. */
  stale(sealed: string): boolean;
}

/**
 * Compares a secret someone sent with the expected one in constant time. Lengths are compared in
 * bytes: a header's non-ASCII characters take more bytes than characters (timingSafeEqual throws).
 */
export function sameText(sent: string, expected: string): boolean {
  const x = Buffer.from(sent);
  const y = Buffer.from(expected);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** v2:<key id>:<iv>:<tag>:<ciphertext>; v1 (no key id) is still read, with the current key. */
const VERSION = 'v2';

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * `current` seals; `previous` keys only open. Rotation: configure the new key as secretKey and
 * the old one in previousSecretKeys; at start-up every stored secret is sealed again with the
 * new key (src/store/reseal.ts), after which the old key can be dropped.
 */
export function createSecretBox(current: Buffer, previous: Buffer[] = []): SecretBox {
  for (const k of [current, ...previous]) if (k.length !== 32) throw new Error('secret key must be 32 bytes');
  const keys = new Map([current, ...previous].map((k) => [keyId(k), k]));
  const currentId = keyId(current);
  const decrypt = (key: Buffer, iv: string, tag: string, body: string) => {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  };
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, currentId, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    open(sealed) {
      const parts = sealed.split(':');
      if (parts[0] === 'v1' && parts.length === 4) return decrypt(current, parts[1], parts[2], parts[3]);
      const [version, kid, iv, tag, body] = parts;
      if (version !== VERSION || !kid || !iv || !tag || body === undefined) throw new Error('unknown secret format');
      const key = keys.get(kid);
      if (!key) throw new Error(`secret sealed with an unknown key (${kid}); configure it in previousSecretKeys`);
      return decrypt(key, iv, tag, body);
    },
    stale: (sealed) => !sealed.startsWith(`${VERSION}:${currentId}:`),
  };
}

/** The key file in dataDir used when no secretKey is configured. */
export const secretKeyFile = (dataDir: string): string => join(dataDir, 'secret.key');

export interface SecretKeys {
  current: Buffer;
  /** Keys that only open: the file's later lines, written while `npm run admin -- rotate-secret-key` runs. */
  previous: Buffer[];
  /** The file the keys came from; undefined when secretKey is configured. */
  file?: string;
}

/** The configured key, or the one in dataDir's key file, generated there on first use (with a warning: back it up with the database). */
export function loadSecretKeys(configured: string | undefined, dataDir: string, log: Logger): SecretKeys {
  if (configured) return { current: Buffer.from(configured, 'base64'), previous: [] };
  const file = secretKeyFile(dataDir);
  if (existsSync(file)) {
    const [current, ...previous] = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).map((l) => Buffer.from(l, 'base64'));
    return { current, previous, file };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  log.warn({ file }, 'no secretKey configured: generated one; keep it with the database, credentials cannot be read without it');
  return { current: key, previous: [], file };
}

export const loadSecretKey = (configured: string | undefined, dataDir: string, log: Logger): Buffer => loadSecretKeys(configured, dataDir, log).current;

/** Replaces the key file in one rename, so a crash leaves the old file or the new one, never half of one. */
export function writeSecretKeyFile(file: string, keys: Buffer[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, keys.map((k) => k.toString('base64')).join('\n') + '\n', { mode: 0o600 });
  renameSync(temporary, file);
}

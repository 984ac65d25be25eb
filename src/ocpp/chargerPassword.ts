import { randomBytes } from 'node:crypto';
import { hashSecret, verifySecret } from '../passwords.js';

/**
 * Charger passwords (security profiles 1 and 2) are stored as scrypt hashes. The cost is kept
 * moderate (N=2^13): passwords are 16–20 random characters, so the hash guards a leaked table,
 * not a guessable secret, and a reconnect storm verifies thousands of them off the event loop.
 */
const CHARGER_COST = { N: 8192, r: 8, p: 1 };

export const hashPassword = (password: string): Promise<string> => hashSecret(password, CHARGER_COST);

export const verifyPassword = verifySecret;

/** OCPP 1.6 security whitepaper: an AuthorizationKey is 16 to 20 bytes (at most 40 hex digits). */
export const PASSWORD_LENGTH = { min: 16, max: 20 };

/** The longest password allowed: 15 random bytes are 20 base64url characters (120 bits). */
export function generatePassword(): string {
  return randomBytes((PASSWORD_LENGTH.max * 3) / 4).toString('base64url');
}

// Who may call the session webhooks: holders of a token this provider issued
// (unexpired, not revoked) or callers presenting a known user over Basic auth.

import { randomBytes } from 'node:crypto';

// Expired tokens are only swept past this size, so issuing stays O(1) in the usual case
// where the gateway caches one token and renews it.
const SWEEP_ABOVE = 1000;

export class TokenStore {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly ttlSec: number) {}

  issue(now = Date.now()): string {
    if (this.expiries.size > SWEEP_ABOVE) this.sweep(now);
    const token = randomBytes(24).toString('base64url');
    this.expiries.set(token, now + this.ttlSec * 1000);
    return token;
  }

  isValid(token: string, now = Date.now()): boolean {
    const expiresAt = this.expiries.get(token);
    if (expiresAt === undefined) return false;
    if (now < expiresAt) return true;
    this.expiries.delete(token);
    return false;
  }

  revokeAll(): void {
    this.expiries.clear();
  }

  private sweep(now: number): void {
    for (const [token, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(token);
  }
}

export function isKnownUser(users: Record<string, string>, username: string | undefined, password: string | undefined): boolean {
  return username !== undefined && Object.hasOwn(users, username) && users[username] === password;
}

/** Checks an `Authorization` header against issued tokens and known users. */
export function isAuthorized(header: string | undefined, tokens: TokenStore, users: Record<string, string>): boolean {
  if (!header) return false;
  const space = header.indexOf(' ');
  if (space < 0) return false;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return tokens.isValid(value);
  if (scheme !== 'basic') return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return isKnownUser(users, decoded.slice(0, colon), decoded.slice(colon + 1));
}

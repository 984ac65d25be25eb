import { timingSafeEqual } from 'node:crypto';
import type { ApiTokenStore } from '../store/apiTokens.js';
import { generateToken, hashToken } from '../store/apiTokens.js';
import { ADMIN_TOKEN_CALLER, tokenCaller, type Caller } from './caller.js';

export interface TokenCheck {
  /** The caller a bearer token stands for (the configured admin token or a stored one), or undefined. */
  resolve(token: string): Promise<Caller | undefined>;
}

/** The label of the token a first start without ADMIN_TOKEN generates (and a start with it revokes). */
export const GENERATED_TOKEN_LABEL = 'admin (generated on first start)';

/** ADMIN_TOKEN, compared in constant time, then the stored tokens. */
export function createTokenCheck(configured: string | undefined, tokens: ApiTokenStore): TokenCheck {
  const configuredHash = configured ? Buffer.from(hashToken(configured), 'hex') : undefined;
  return {
    async resolve(token) {
      if (configuredHash && timingSafeEqual(configuredHash, Buffer.from(hashToken(token), 'hex'))) return ADMIN_TOKEN_CALLER;
      const stored = await tokens.findByToken(token);
      return stored && tokenCaller(stored);
    },
  };
}

/**
 * Without ADMIN_TOKEN, a gateway with no tokens generates one, stores its hash and hands it back
 * for main to print. Called only once the gateway listens: a start that fails earlier (a busy
 * port) stores nothing, so the next start generates and prints it instead of losing it.
 */
export async function generateFirstAdminToken(configured: string | undefined, tokens: ApiTokenStore): Promise<string | undefined> {
  if (configured || (await tokens.count()) > 0) return undefined;
  const generated = generateToken();
  await tokens.add(GENERATED_TOKEN_LABEL, generated);
  return generated;
}

/** With ADMIN_TOKEN set, the generated token is the one it replaces: revoked, so only one operator token stays. */
export async function revokeGeneratedToken(configured: string | undefined, tokens: ApiTokenStore): Promise<number> {
  if (!configured) return 0;
  let revoked = 0;
  for (const t of await tokens.list()) {
    if (t.label === GENERATED_TOKEN_LABEL && t.role === 'admin' && t.createdBy === null && (await tokens.remove(t.id))) revoked += 1;
  }
  return revoked;
}

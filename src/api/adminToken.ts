import { timingSafeEqual } from 'node:crypto';
import type { ApiTokenStore } from '../store/apiTokens.js';
import { generateToken, hashToken } from '../store/apiTokens.js';
import { ADMIN_TOKEN_CALLER, tokenCaller, type Caller } from './caller.js';

export interface TokenCheck {
  /** The caller a bearer token stands for (the configured admin token or a stored one), or undefined. */
  resolve(token: string): Promise<Caller | undefined>;
}

/**
 * ADMIN_TOKEN wins when set. Otherwise the first start generates a token, stores only its hash
 * and hands it back once so main can print it; later starts print nothing.
 */
export async function prepareAdminToken(
  configured: string | undefined,
  tokens: ApiTokenStore,
): Promise<{ check: TokenCheck; generated?: string }> {
  const configuredHash = configured ? Buffer.from(hashToken(configured), 'hex') : undefined;
  let generated: string | undefined;
  if (!configured && (await tokens.count()) === 0) {
    generated = generateToken();
    await tokens.add('admin (generated on first start)', generated);
  }
  return {
    generated,
    check: {
      async resolve(token) {
        if (configuredHash && timingSafeEqual(configuredHash, Buffer.from(hashToken(token), 'hex'))) return ADMIN_TOKEN_CALLER;
        const stored = await tokens.findByToken(token);
        return stored && tokenCaller(stored);
      },
    },
  };
}

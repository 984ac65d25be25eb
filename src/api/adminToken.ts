import { timingSafeEqual } from 'node:crypto';
import type { ApiTokenStore } from '../store/apiTokens.js';
import { generateToken, hashToken } from '../store/apiTokens.js';

export interface TokenCheck {
  /** True when the bearer token is the configured admin token or a stored one. */
  verify(token: string): Promise<boolean>;
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
      async verify(token) {
        if (configuredHash && timingSafeEqual(configuredHash, Buffer.from(hashToken(token), 'hex'))) return true;
        return (await tokens.findByToken(token)) !== undefined;
      },
    },
  };
}

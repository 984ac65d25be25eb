import { createHash } from 'node:crypto';
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/client.js';

/**
 * OAuth tokens from an installation's authentication URL. The payload is posted exactly as
 * the site owner wrote it (simple-oauth2 rebuilds the form from known fields and adds client
 * credentials, so it cannot carry an arbitrary payload faithfully). One request at a time per
 * installation; tokens are reused until shortly before they expire.
 */
export class TokenError extends Error {
  constructor(
    readonly reason: 'token_unreachable' | 'token_rejected' | 'token_malformed',
    message: string,
  ) {
    super(message);
  }
}

interface CachedToken {
  token: string;
  renewAt: number;
}

export interface TokenService {
  get(installationId: string, authUrl: string, payload: string, timeoutMs: number): Promise<string>;
  /** Forget the installation's token (after a 401), so the next get() fetches a new one. */
  invalidate(installationId: string, token: string): void;
  readonly fetches: number;
}

/** Renew this long before expiry, or at 90 % of a short lifetime. */
const RENEW_MARGIN_MS = 30_000;
const DEFAULT_LIFETIME_SEC = 300;

/** How a token fetch ended: a token, or the reason it failed. */
export type TokenFetchOutcome = 'ok' | TokenError['reason'];

export interface TokenServiceOptions {
  now?: () => number;
  /** Told how every fetch ended (counted at /metrics); cached tokens are not fetches. */
  fetched?(outcome: TokenFetchOutcome): void;
}

export function createTokenService(http: HttpClient, { now = () => Date.now(), fetched }: TokenServiceOptions = {}): TokenService {
  const cache = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<string>>();
  let fetches = 0;

  async function fetchToken(authUrl: string, payload: string, timeoutMs: number): Promise<CachedToken> {
    fetches++;
    let res;
    try {
      res = await http.send({
        method: 'POST',
        url: authUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: payload,
        timeoutMs,
      });
    } catch (err) {
      throw new TokenError('token_unreachable', `token service: ${(err as HttpError).message}`);
    }
    if (res.status < 200 || res.status > 299) throw new TokenError('token_rejected', `token service answered ${res.status}`);
    let json: any;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw new TokenError('token_malformed', 'token service reply is not JSON');
    }
    if (typeof json?.access_token !== 'string' || json.access_token === '') {
      throw new TokenError('token_malformed', 'token service reply has no access_token');
    }
    const lifetimeMs = (Number.isFinite(json.expires_in) && json.expires_in > 0 ? json.expires_in : DEFAULT_LIFETIME_SEC) * 1000;
    const margin = Math.min(RENEW_MARGIN_MS, lifetimeMs * 0.1);
    return { token: json.access_token, renewAt: now() + lifetimeMs - margin };
  }

  return {
    get fetches() {
      return fetches;
    },
    async get(installationId, authUrl, payload, timeoutMs) {
      // A settings change (URL or payload) must not reuse a token from the old ones.
      const key = `${installationId}\u0000${createHash('sha256').update(authUrl).update('\u0000').update(payload).digest('base64')}`;
      const cached = cache.get(key);
      if (cached && cached.renewAt > now()) return cached.token;
      let pending = inflight.get(key);
      if (!pending) {
        pending = fetchToken(authUrl, payload, timeoutMs)
          .then(
            (t) => {
              fetched?.('ok');
              cache.set(key, t);
              return t.token;
            },
            (err: unknown) => {
              fetched?.(err instanceof TokenError ? err.reason : 'token_unreachable');
              throw err;
            },
          )
          .finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
    invalidate(installationId, token) {
      for (const [key, value] of cache) if (key.startsWith(`${installationId}\u0000`) && value.token === token) cache.delete(key);
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { HttpClient } from '../http/client.js';
import type { Subscription } from '../store/subscriptions.js';
import { sameText } from '../secrets.js';
import { verifyToken } from './signing.js';

export type ChallengeResult = { verified: true } | { verified: false; reason: string };

/**
 * Ownership challenge: `GET <url>?challenge=<random>` must come back 2xx with
 * `x-verify-token: hex(HMAC-SHA256(secret, challenge))`. It carries no credentials: it asks an
 * endpoint not yet proven to be the subscriber's, which must not receive the subscriber's password.
 */
export async function runChallenge(http: HttpClient, sub: Subscription, secret: string, timeoutMs: number): Promise<ChallengeResult> {
  const challenge = randomBytes(24).toString('base64url');
  const url = new URL(sub.url as string);
  url.searchParams.set('challenge', challenge);
  try {
    const res = await http.send({ method: 'GET', url: url.toString(), headers: {}, timeoutMs });
    if (res.status < 200 || res.status > 299) return { verified: false, reason: `endpoint answered ${res.status}` };
    const token = res.headers['x-verify-token'];
    if (typeof token !== 'string') return { verified: false, reason: 'no x-verify-token header in the reply' };
    return sameText(token.toLowerCase(), verifyToken(secret, challenge)) ? { verified: true } : { verified: false, reason: 'x-verify-token does not match' };
  } catch (err) {
    return { verified: false, reason: (err as Error).message };
  }
}

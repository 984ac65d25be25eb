import { createHmac, randomBytes } from 'node:crypto';
import type { SignatureScheme, SubscriptionSecrets } from '../store/subscriptions.js';

/**
 * Signatures on notification webhooks. hmac-sha256: `X-Signature: hex(HMAC(secret, body))`.
 * standard-webhooks (standardwebhooks.com): HMAC over `${id}.${timestamp}.${body}` with the
 * base64 key after `whsec_`, sent as `webhook-signature: v1,<base64>`.
 * During a rotation's overlap both secrets sign: standard-webhooks sends one `v1,` entry per
 * secret, newest first; `X-Signature` holds one value, so it carries the new secret's alone.
 */
const WHSEC = 'whsec_';

export function generateSecret(scheme: SignatureScheme): string {
  return scheme === 'standard-webhooks' ? WHSEC + randomBytes(32).toString('base64') : randomBytes(32).toString('base64url');
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(WHSEC) ? secret.slice(WHSEC.length) : secret, 'base64');
}

/** The secrets that sign now: the current one, then the previous one while its overlap lasts. */
export function signingSecrets(s: Pick<SubscriptionSecrets, 'secret' | 'previousSecret'>): string[] {
  return s.previousSecret ? [s.secret, s.previousSecret] : [s.secret];
}

export function signatureHeaders(scheme: SignatureScheme, secrets: string[], eventId: string, body: string, now = Date.now()): Record<string, string> {
  if (scheme === 'hmac-sha256') return { 'x-signature': hmacHex(secrets[0], body) };
  if (scheme === 'standard-webhooks') {
    const timestamp = Math.floor(now / 1000).toString();
    const signed = `${eventId}.${timestamp}.${body}`;
    const signatures = secrets.map((secret) => `v1,${createHmac('sha256', standardKey(secret)).update(signed).digest('base64')}`);
    return { 'webhook-id': eventId, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
  }
  return {};
}

/** The ownership proof the endpoint must send back for `GET url?challenge=X`. */
export function verifyToken(secret: string, challenge: string): string {
  return hmacHex(secret, challenge);
}

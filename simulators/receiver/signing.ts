// Signing and verification for the two schemes the gateway uses, shared with
// tests so both ends compute signatures from one definition.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const STANDARD_WEBHOOKS_PREFIX = 'whsec_';

// The Standard Webhooks spec's replay window, in both directions.
export const TIMESTAMP_TOLERANCE_SEC = 5 * 60;

/** `X-Signature` of the hmac-sha256 scheme: hex HMAC of the raw body, the secret used as a UTF-8 key. */
export function signHmac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** One `webhook-signature` entry, `v1,<base64>`, over `${id}.${timestamp}.${body}`. */
export function signStandardWebhooks(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(STANDARD_WEBHOOKS_PREFIX) ? secret.slice(STANDARD_WEBHOOKS_PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The `x-verify-token` that answers an ownership challenge. */
export function verifyToken(secret: string, challenge: string): string {
  return createHmac('sha256', secret).update(challenge).digest('hex');
}

/** Constant-time equality; hashing first makes strings of different lengths safe to compare too. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

export function verifyHmac(secret: string, body: string, signature: string | undefined): boolean {
  return signature !== undefined && safeEqual(signature.trim().toLowerCase(), signHmac(secret, body));
}

export interface StandardWebhooksHeaders {
  id?: string;
  timestamp?: string;
  /** Space-separated `version,signature` entries; any v1 match is enough. */
  signature?: string;
}

export function verifyStandardWebhooks(secret: string, headers: StandardWebhooksHeaders, body: string, nowSec = Date.now() / 1000): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return false;
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSec - ts) > TIMESTAMP_TOLERANCE_SEC) return false;
  const expected = signStandardWebhooks(secret, id, ts, body);
  return signature.split(' ').some((entry) => entry.startsWith('v1,') && safeEqual(entry, expected));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

import type { Subscription, SubscriptionSecrets } from '../../store/subscriptions.js';
import type { HttpClient } from '../../http/client.js';
import { HttpError } from '../../http/client.js';
import type { Envelope } from '../../store/envelope.js';
import { signatureHeaders, signingSecrets } from '../signing.js';
import { RESPONSE_MAX_BYTES, utf8Prefix, type AttemptRequest } from '../../store/deliveries.js';

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  /** 410: the subscriber asks us to stop. */
  gone: boolean;
  retryAfterMs: number | null;
  error: string | null;
  response: string | null;
  /** What was sent, credentials replaced; null for Kafka. */
  request: AttemptRequest | null;
  /** The endpoint's answer headers; null when it did not answer. */
  responseHeaders: Record<string, string> | null;
  latencyMs: number;
}

/** Headers the log shows only as set: the receiver's password travels in them. */
const CREDENTIAL_HEADERS = new Set(['authorization']);

/** The request as the delivery log shows it; signatures stay (they prove nothing without the secret). */
export function loggedRequest(url: string, headers: Record<string, string>, body: string): AttemptRequest {
  const shown = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, CREDENTIAL_HEADERS.has(k) ? `${v.split(' ')[0]} [hidden]` : v]));
  return { method: 'POST', url, headers: shown, body };
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** `base` mode appends the event type as one path segment, encoded, whatever the base ends with. */
export function targetUrl(sub: Pick<Subscription, 'url' | 'urlMode'>, type: string): string {
  const url = new URL(sub.url as string);
  if (sub.urlMode === 'base') url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(type)}`;
  return url.toString();
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000;
  // Every HTTP-date form starts with the day's name; Date.parse would take "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(v.trim())) return null;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function webhookHeaders(sub: Subscription, secrets: SubscriptionSecrets, envelope: Envelope, body: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-event': envelope.type,
    'x-version': String(envelope.version),
    'x-event-id': envelope.id,
    ...signatureHeaders(sub.signature, signingSecrets(secrets), envelope.id, body),
  };
  if (sub.subscriptionId) headers['x-subscription-id'] = sub.subscriptionId;
  if (sub.authentication.kind === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${sub.authentication.username ?? ''}:${secrets.authPassword ?? ''}`).toString('base64')}`;
  }
  return headers;
}

/** One POST; any 2xx is success, anything else (3xx included: never followed) is a failure. */
export async function postEvent(
  http: HttpClient,
  sub: Subscription,
  secrets: SubscriptionSecrets,
  envelope: Envelope,
  timeoutMs: number,
): Promise<AttemptResult> {
  const body = JSON.stringify(envelope);
  const url = targetUrl(sub, envelope.type);
  const headers = webhookHeaders(sub, secrets, envelope, body);
  const request = loggedRequest(url, headers, body);
  const started = performance.now();
  try {
    const res = await http.send({ method: 'POST', url, headers, body, timeoutMs });
    const ok = res.status >= 200 && res.status <= 299;
    return {
      ok,
      status: res.status,
      gone: res.status === 410,
      retryAfterMs: ok ? null : retryAfterMs(res.headers['retry-after']),
      error: ok ? null : `endpoint answered ${res.status}`,
      response: utf8Prefix(res.body, RESPONSE_MAX_BYTES),
      request,
      responseHeaders: flatHeaders(res.headers),
      latencyMs: performance.now() - started,
    };
  } catch (err) {
    const message = err instanceof HttpError ? `${err.code}: ${err.message}` : (err as Error).message;
    return { ok: false, status: null, gone: false, retryAfterMs: null, error: message, response: null, request, responseHeaders: null, latencyMs: performance.now() - started };
  }
}

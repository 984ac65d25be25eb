import { HttpError, type HttpClient } from '../http/client.js';
import { authorizationHeader } from './credentialsToken.js';
import { OCPI_STATUS } from './envelope.js';

/** One call to a partner, as data: its envelope when it answered one, or why not. */
export type CallResult<T> =
  | { kind: 'ok'; httpStatus: number; statusCode: number; data: T | undefined; message: string | undefined; next?: string }
  | { kind: 'unreachable'; reason: string };

export interface PartnerCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** The credentials token it knows us by, in clear (encoded here). */
  token: string;
  body?: unknown;
  timeoutMs: number;
}

/**
 * Sends one OCPI request and reads the envelope. A 404 without an envelope reads as an unknown
 * object (OCPI status 2004 where the spec uses 404 for it); anything else unreadable, a 5xx or a
 * network failure is `unreachable`.
 */
export async function callPartner<T>(http: HttpClient, call: PartnerCall): Promise<CallResult<T>> {
  let res;
  try {
    res = await http.send({
      method: call.method,
      url: call.url,
      headers: { authorization: authorizationHeader(call.token), ...(call.body !== undefined && { 'content-type': 'application/json' }) },
      ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
      timeoutMs: call.timeoutMs,
    });
  } catch (err) {
    return { kind: 'unreachable', reason: err instanceof HttpError ? err.code : 'network_error' };
  }
  if (res.status >= 500) return { kind: 'unreachable', reason: `http_${res.status}` };
  let envelope: { status_code?: unknown; data?: T; status_message?: string } | undefined;
  try {
    envelope = JSON.parse(res.body);
  } catch {
    envelope = undefined;
  }
  if (envelope && typeof envelope.status_code === 'number') {
    const next = nextPage(res.headers.link);
    return { kind: 'ok', httpStatus: res.status, statusCode: envelope.status_code, data: envelope.data, message: envelope.status_message, ...(next && { next }) };
  }
  if (res.status === 404) return { kind: 'ok', httpStatus: 404, statusCode: OCPI_STATUS.UNKNOWN_TOKEN, data: undefined, message: 'not found' };
  return { kind: 'unreachable', reason: res.status === 200 ? 'malformed_envelope' : `http_${res.status}` };
}

/** The URL of a paginated list's next page: its Link header's rel="next" (OCPI 2.2.1 §4.1.3). */
function nextPage(link: string | string[] | undefined): string | undefined {
  const value = Array.isArray(link) ? link.join(', ') : link;
  return value ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(value)?.[1] : undefined;
}

/** A handshake step that did not give what it needs, with words for the partner list's last error. */
export class HandshakeError extends Error {}

/** The data of a successful answer, or a HandshakeError saying what went wrong. */
export function dataOf<T>(what: string, r: CallResult<T>): T {
  if (r.kind === 'unreachable') throw new HandshakeError(`${what}: unreachable (${r.reason})`);
  if (r.httpStatus >= 400 || r.statusCode !== OCPI_STATUS.SUCCESS || r.data === undefined) {
    throw new HandshakeError(`${what}: HTTP ${r.httpStatus}, OCPI status ${r.statusCode}${r.message ? ` (${r.message})` : ''}`);
  }
  return r.data;
}

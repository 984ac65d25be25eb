/**
 * The portal's only door to the gateway: the public REST API, same origin, with the session
 * cookie. Unsafe methods carry the CSRF token the sign-in handed over; errors come back as
 * ApiFailure with the field messages the API named, so forms can show them in place.
 */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | undefined;

/** Set after sign-in and after each /api/auth/me; cleared at sign-out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export type FieldErrors = Record<string, string>;

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

/** Codes that mean "prove the second factor first" rather than "you may not". */
export const SECOND_FACTOR_CODES = ['SECOND_FACTOR_REQUIRED', 'SECOND_FACTOR_ENROLMENT_REQUIRED'] as const;
export type SecondFactorCode = (typeof SECOND_FACTOR_CODES)[number];

export function secondFactorCode(err: unknown): SecondFactorCode | undefined {
  if (!(err instanceof ApiFailure) || err.status !== 403) return undefined;
  return (SECOND_FACTOR_CODES as readonly string[]).includes(err.code) ? (err.code as SecondFactorCode) : undefined;
}

/** Both shapes: `{error: CODE, message, details}` (errors.ts) and `{error: {code, message, details}}`. */
function toFailure(status: number, body: any): ApiFailure {
  const inner = body && typeof body.error === 'object' && body.error !== null ? body.error : body ?? {};
  const code = typeof body?.error === 'string' ? body.error : (inner.code ?? `HTTP_${status}`);
  const message = inner.message ?? `The gateway answered ${status}`;
  const fields: FieldErrors = {};
  if (Array.isArray(inner.details)) {
    // One field can fail more than once (a user who is the only owner of two installations).
    for (const d of inner.details) {
      if (!d || typeof d.field !== 'string') continue;
      const message = String(d.message ?? 'is invalid');
      fields[d.field] = fields[d.field] ? `${fields[d.field]}; ${message}` : message;
    }
  }
  return new ApiFailure(status, code, message, fields);
}

/** Any listener (the app shell) hears when the session is gone, to show the sign-in page. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch(() => {
    // fetch rejects only when no answer came at all (network down, gateway stopped).
    throw new ApiFailure(0, 'UNREACHABLE', 'The gateway cannot be reached. Check the connection and try again.');
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const failure = toFailure(res.status, parsed);
    if (res.status === 401 && !path.startsWith('/api/auth/')) for (const l of signedOutListeners) l();
    throw failure;
  }
  return parsed as T;
}

/** The message for a field, under any of the names the API may use for it (e.g. `authUrl` or `authentication.authUrl`). */
export function fieldError(errors: FieldErrors, ...names: string[]): string | undefined {
  for (const n of names) if (errors[n]) return errors[n];
  return undefined;
}

/** Lists come as `{ items }` (or, from some routes, a bare array). */
export function itemsOf<T>(reply: { items: T[] } | T[]): T[] {
  return Array.isArray(reply) ? reply : (reply?.items ?? []);
}

// A signed-in portal session over real HTTP: the cookie the gateway set, and the CSRF header it asks for.

import { base32Decode, stepAt, totpAt } from '../../src/users/totp.js';

export interface PortalResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface PortalSession {
  /** The gw_session cookie value (a secret: the scan looks for it). */
  cookie: string;
  csrfToken: string;
  login: PortalResponse;
  /** With the cookie, and the CSRF header unless `csrf: false`. */
  request(method: string, path: string, body?: unknown, opts?: { csrf?: boolean | string }): Promise<PortalResponse>;
}

/** JSON bodies parsed; text ones (a CSV export, metrics) as they came. */
export function parsedBody(res: Response, text: string): any {
  if (!text) return undefined;
  return /^text\//.test(res.headers.get('content-type') ?? '') ? text : JSON.parse(text);
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<PortalResponse> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: parsedBody(res, text) };
}

export function sessionCookie(res: PortalResponse): string | undefined {
  return /gw_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] || undefined;
}

/** POST /api/auth/login; throws when it does not answer 200. */
export async function signIn(base: string, email: string, password: string, code?: string): Promise<PortalSession> {
  const login = await call(base, 'POST', '/api/auth/login', { email, password, ...(code !== undefined && { code }) });
  const cookie = sessionCookie(login);
  if (login.status !== 200 || !cookie) throw new Error(`sign-in failed: ${login.status} ${JSON.stringify(login.body)}`);
  const session: PortalSession = {
    cookie,
    csrfToken: login.body.csrfToken,
    login,
    request(method, path, body, opts = {}) {
      const csrf = opts.csrf === undefined || opts.csrf === true ? session.csrfToken : opts.csrf === false ? undefined : opts.csrf;
      return call(base, method, path, body, { cookie: `gw_session=${cookie}`, ...(csrf !== undefined && { 'x-csrf-token': csrf }) });
    },
  };
  return session;
}

/** The code an authenticator app shows for `secret`, `stepOffset` steps from now. */
export function totpCode(secret: string, stepOffset = 0, now = Date.now()): string {
  return totpAt(base32Decode(secret), stepAt(now) + stepOffset);
}

/** Enrols TOTP for a signed-in session; returns the secret and the recovery codes. */
export async function enrolTotp(session: PortalSession): Promise<{ secret: string; recoveryCodes: string[]; step: number }> {
  const enrol = await session.request('POST', '/api/auth/totp/enrol');
  if (enrol.status !== 200) throw new Error(`enrol failed: ${enrol.status} ${JSON.stringify(enrol.body)}`);
  const secret = enrol.body.secret as string;
  const confirm = await session.request('POST', '/api/auth/totp/confirm', { code: totpCode(secret) });
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  return { secret, recoveryCodes: confirm.body.recoveryCodes, step: stepAt(Date.now()) };
}

// Portal sign-in over real HTTP on both engines: cookie sessions, CSRF, TOTP and the second-factor rules.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';
import { hashSessionId } from '../../src/store/userSessions.js';
import { call, enrolTotp, signIn, totpCode, type PortalSession } from '../helpers/portal.js';

const PASSWORD = 'correct horse battery';

describe.each(engines)('portal sign-in (%s)', (engine) => {
  let api: TestApi;
  let site: string;
  let n = 0;

  /** A new user (by the admin token), optionally a member of `site`. */
  async function user(role?: 'owner' | 'service'): Promise<string> {
    const email = `user${++n}@example.com`;
    expect((await api.request('POST', '/api/users', { email, name: `User ${n}`, password: PASSWORD })).status).toBe(201);
    if (role) expect((await api.request('POST', `/api/installations/${site}/members`, { email, role })).status).toBe(201);
    return email;
  }

  beforeAll(async () => {
    // Failures from every test here come from one address; the limit has its own test below.
    api = await startApi(engine, { loginMaxFailures: 100, adminEmail: 'root@example.com', adminPassword: 'root-password-123' });
    site = (await api.request('POST', '/api/installations', { name: 'Depot', authentication: { authPayload: 'client_secret=abc' } })).body.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('signs in with a cookie session, tells who is signed in, and signs out', async () => {
    const email = await user('service');
    const s = await signIn(api.base, email.toUpperCase(), PASSWORD);
    expect(s.login.body).toMatchObject({ user: { email, name: expect.any(String), admin: false }, secondFactor: { enrolled: false, fresh: false } });
    const setCookie = s.login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/); // plain http here

    const me = await s.request('GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { email }, csrfToken: s.csrfToken, memberships: [{ installationId: site, installationName: 'Depot', role: 'service' }] });

    expect((await s.request('POST', '/api/auth/logout')).status).toBe(204);
    expect((await s.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await s.request('GET', '/api/installations')).status).toBe(401);
  });

  it('signs in the first admin user created from the configured email and password', async () => {
    const s = await signIn(api.base, 'root@example.com', 'root-password-123');
    expect(s.login.body.user).toMatchObject({ email: 'root@example.com', admin: true });
    expect((await s.request('GET', '/api/users')).body.items.map((u: any) => u.email)).toContain('root@example.com');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const email = await user();
    const wrong = await call(api.base, 'POST', '/api/auth/login', { email, password: 'not the password' });
    const unknown = await call(api.base, 'POST', '/api/auth/login', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toBe('INVALID_CREDENTIALS');
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('refuses unsafe requests of a cookie session without the CSRF token', async () => {
    const s = await signIn(api.base, await user('owner'), PASSWORD);
    const missing = await s.request('PATCH', `/api/installations/${site}`, { name: 'Renamed' }, { csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.error).toBe('CSRF_FAILED');
    const wrong = await s.request('PATCH', `/api/installations/${site}`, { name: 'Renamed' }, { csrf: 'x'.repeat(43) });
    expect(wrong.body.error).toBe('CSRF_FAILED');
    expect((await api.request('GET', `/api/installations/${site}`)).body.name).toBe('Depot');
    // Safe methods need none.
    expect((await s.request('GET', `/api/installations/${site}`, undefined, { csrf: false })).status).toBe(200);
    expect((await s.request('PATCH', `/api/installations/${site}`, { name: 'Depot' })).status).toBe(200);
  });

  it('ends a session left idle past its limit, and one past its absolute end however active', async () => {
    const idle = await signIn(api.base, await user('service'), PASSWORD);
    const active = await signIn(api.base, await user('service'), PASSWORD);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    await api.gateway.store.db.updateTable('user_sessions').set({ last_seen_at: twoHoursAgo }).where('id_hash', '=', hashSessionId(idle.cookie)).execute();
    expect((await idle.request('GET', '/api/auth/me')).status).toBe(401);

    expect((await active.request('GET', '/api/auth/me')).status).toBe(200);
    const aSecondAgo = new Date(Date.now() - 1000).toISOString();
    await api.gateway.store.db.updateTable('user_sessions').set({ expires_at: aSecondAgo }).where('id_hash', '=', hashSessionId(active.cookie)).execute();
    expect((await active.request('GET', '/api/auth/me')).status).toBe(401);
  });

  it('enrols TOTP with a QR code, then asks for a code at sign-in and takes each recovery code once', async () => {
    const email = await user('service');
    const s = await signIn(api.base, email, PASSWORD);
    const enrol = await s.request('POST', '/api/auth/totp/enrol');
    expect(enrol.status).toBe(200);
    expect(enrol.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(enrol.body.qrSvg).toMatch(/^<svg/);
    const wrong = await s.request('POST', '/api/auth/totp/confirm', { code: totpCode(enrol.body.secret, 5) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details).toEqual([{ field: 'code', message: expect.any(String) }]);
    const confirmed = await s.request('POST', '/api/auth/totp/confirm', { code: totpCode(enrol.body.secret) });
    expect(confirmed.status).toBe(200);
    const codes: string[] = confirmed.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await s.request('GET', '/api/auth/me')).body.secondFactor).toMatchObject({ enrolled: true, fresh: true, freshUntil: expect.any(String) });

    const noCode = await call(api.base, 'POST', '/api/auth/login', { email, password: PASSWORD });
    expect(noCode.status).toBe(401);
    expect(noCode.body).toMatchObject({ error: 'SECOND_FACTOR_REQUIRED', details: [{ field: 'code' }] });
    const badCode = await call(api.base, 'POST', '/api/auth/login', { email, password: PASSWORD, code: totpCode(enrol.body.secret, 7) });
    expect(badCode.body.error).toBe('SECOND_FACTOR_REQUIRED');

    const next = totpCode(enrol.body.secret, 1);
    const withCode = await signIn(api.base, email, PASSWORD, next);
    expect(withCode.login.body.secondFactor).toMatchObject({ enrolled: true, fresh: true });
    // The same code again is a replay, refused and said as such; a wrong one is just not valid.
    const replay = await call(api.base, 'POST', '/api/auth/login', { email, password: PASSWORD, code: next });
    expect(replay.body).toMatchObject({ error: 'SECOND_FACTOR_REQUIRED', details: [{ field: 'code', message: expect.stringContaining('already been used') }] });
    expect(badCode.body.details[0].message).toBe('is not a valid code');

    expect((await signIn(api.base, email, PASSWORD, codes[0])).login.status).toBe(200);
    // A spent recovery code is a used one-time code too: said as such, not as a wrong one.
    const spent = await call(api.base, 'POST', '/api/auth/login', { email, password: PASSWORD, code: codes[0] });
    expect(spent.body).toMatchObject({ error: 'SECOND_FACTOR_REQUIRED', details: [{ field: 'code', message: expect.stringContaining('already been used') }] });
    const unknown = await call(api.base, 'POST', '/api/auth/login', { email, password: PASSWORD, code: 'ABCD-EFGH-JKLM' });
    expect(unknown.body.details[0].message).toBe('is not a valid code');
    expect((await signIn(api.base, email, PASSWORD, codes[1].toLowerCase())).login.status).toBe(200);
  });

  it('withholds credentials and subscriptions from a session without a fresh second factor, and steps up', async () => {
    const email = await user('service');
    const s = await signIn(api.base, email, PASSWORD);
    // Not enrolled: asked to enrol first.
    const locked = await s.request('GET', `/api/installations/${site}`);
    expect(locked.body).toMatchObject({ id: site, authentication: null, authenticationLocked: true });
    expect((await s.request('GET', '/api/subscriptions')).body.error).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    const patch = await s.request('PATCH', `/api/installations/${site}`, { authentication: { offlineAllow: true } });
    expect(patch.status).toBe(403);
    expect(patch.body.error).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    // Everything else of the installation is open to it.
    expect((await s.request('GET', `/api/installations/${site}/chargers`)).status).toBe(200);

    const { secret } = await enrolTotp(s);
    expect((await s.request('GET', `/api/installations/${site}`)).body.authentication).toMatchObject({ authPayload: expect.any(String) });
    expect((await s.request('GET', '/api/subscriptions')).status).toBe(200);

    // Eleven minutes later the factor is stale.
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000).toISOString();
    await api.gateway.store.db.updateTable('user_sessions').set({ second_factor_at: elevenMinutesAgo }).execute();
    expect((await s.request('GET', '/api/auth/me')).body.secondFactor).toEqual({ enrolled: true, fresh: false });
    const stale = await s.request('GET', '/api/subscriptions');
    expect(stale.status).toBe(403);
    expect(stale.body.error).toBe('SECOND_FACTOR_REQUIRED');
    expect((await s.request('PATCH', `/api/installations/${site}`, { authentication: { offlineAllow: true } })).body.error).toBe('SECOND_FACTOR_REQUIRED');
    expect((await s.request('GET', `/api/installations/${site}`)).body.authenticationLocked).toBe(true);

    expect((await s.request('POST', '/api/auth/step-up', { code: totpCode(secret, 10) })).status).toBe(400);
    const up = await s.request('POST', '/api/auth/step-up', { code: totpCode(secret, 1) });
    expect(up.status).toBe(200);
    expect(Date.parse(up.body.freshUntil)).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect((await s.request('GET', '/api/subscriptions')).status).toBe(200);
    expect((await s.request('PATCH', `/api/installations/${site}`, { authentication: { offlineAllow: false } })).status).toBe(200);
  });

  it('lets an owner require a second factor of every member', async () => {
    const owner = await signIn(api.base, await user('owner'), PASSWORD);
    const member = await signIn(api.base, await user('service'), PASSWORD);
    const service = await member.request('PATCH', `/api/installations/${site}`, { requireSecondFactor: true });
    expect(service.status).toBe(404); // an owner's setting: a service member gets no further
    expect((await owner.request('PATCH', `/api/installations/${site}`, { requireSecondFactor: true })).body.requireSecondFactor).toBe(true);
    try {
      for (const path of [`/api/installations/${site}`, `/api/installations/${site}/chargers`, `/api/installations/${site}/id-tags`]) {
        const refused = await member.request('GET', path);
        expect(refused.status, path).toBe(403);
        expect(refused.body.error, path).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
      }
      await enrolTotp(member);
      expect((await member.request('GET', `/api/installations/${site}/chargers`)).status).toBe(200);
    } finally {
      await api.request('PATCH', `/api/installations/${site}`, { requireSecondFactor: false });
    }
  });
});

describe.each(engines)('sign-in rate limit (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(engine, { loginMaxFailures: 3 });
    for (const email of ['ann@example.com', 'bob@example.com']) await api.request('POST', '/api/users', { email, password: PASSWORD });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 429 with Retry-After after too many failures, even to the right password, from the same address', async () => {
    for (let i = 0; i < 3; i++) expect((await call(api.base, 'POST', '/api/auth/login', { email: 'ann@example.com', password: `wrong ${i}` })).status).toBe(401);
    const limited = await call(api.base, 'POST', '/api/auth/login', { email: 'ann@example.com', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The address is limited too: another account from it waits as well.
    expect((await call(api.base, 'POST', '/api/auth/login', { email: 'bob@example.com', password: PASSWORD })).status).toBe(429);
  });

  it('lets the limit lift as the failures age out of the window', async () => {
    const sixteenMinutesAgo = new Date(Date.now() - 16 * 60_000).toISOString();
    await api.gateway.store.db.updateTable('login_failures').set({ at: sixteenMinutesAgo }).execute();
    const s: PortalSession = await signIn(api.base, 'ann@example.com', PASSWORD);
    expect(s.login.status).toBe(200);
  });
});

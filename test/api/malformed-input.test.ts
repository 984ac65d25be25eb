// Request input that does not decode (a cookie, a path segment, a header, a body's charset or
// encoding) is absent or a 4xx, never a 500: a broken cookie must not lock anyone out.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './gateway.js';
import { call, signIn } from '../helpers/portal.js';

const EMAIL = 'root@example.com';
const PASSWORD = 'root-password-123';

describe('request input that does not decode', () => {
  let api: TestApi;
  let site: string;

  beforeAll(async () => {
    api = await startApi('sqlite', { adminEmail: EMAIL, adminPassword: PASSWORD });
    site = (await api.request('POST', '/api/installations', { name: 'Depot' })).body.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('treats a session cookie that does not decode as no session, on every route and at sign-in', async () => {
    for (const cookie of ['gw_session=%', 'gw_session=%E0%A4%A', 'gw_session=%zz; theme=dark']) {
      const headers = { cookie };
      const me = await call(api.base, 'GET', '/api/auth/me', undefined, headers);
      expect(me.status, cookie).toBe(401);
      expect(me.body.error, cookie).toBe('UNAUTHORIZED');
      expect((await call(api.base, 'GET', `/api/installations/${site}`, undefined, headers)).status, cookie).toBe(401);
      const login = await call(api.base, 'POST', '/api/auth/login', { email: EMAIL, password: PASSWORD }, headers);
      expect(login.status, cookie).toBe(200);
      expect(login.body.user.email, cookie).toBe(EMAIL);
    }
  });

  it('keeps a good session when another cookie does not decode', async () => {
    const s = await signIn(api.base, EMAIL, PASSWORD);
    const res = await call(api.base, 'GET', '/api/auth/me', undefined, { cookie: `theme=%; gw_session=${s.cookie}` });
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(EMAIL);
  });

  it('answers a CSRF header that is not ASCII as a wrong one', async () => {
    const s = await signIn(api.base, EMAIL, PASSWORD);
    // As many characters as the real token, more bytes: a length check on characters passes it.
    const res = await s.request('POST', '/api/installations', { name: 'Other' }, { csrf: 'é'.repeat(s.csrfToken.length) });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('CSRF_FAILED');
  });

  it('answers a path segment that does not decode as not found', async () => {
    for (const path of ['/api/installations/%', '/api/chargers/%E0%A4%A', `/api/installations/${site}/id-tags/%zz`]) {
      const res = await api.request('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.error, path).toBe('NOT_FOUND');
    }
  });

  it('answers a body in a charset or an encoding it cannot read 415', async () => {
    const unreadable: Record<string, string>[] = [{ 'content-type': 'application/json; charset=utf-9' }, { 'content-encoding': 'bogus' }];
    for (const headers of unreadable) {
      const res = await api.request('POST', '/api/installations', { name: 'Charset' }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(415);
      expect(res.body.error, JSON.stringify(headers)).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });
});

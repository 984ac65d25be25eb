// Account management over real HTTP on both engines: changing one's own password, removing one's
// own second factor, and an operator's password reset, second-factor reset and deletion; an
// installation with owners keeps one, and the gateway keeps an admin.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';
import { call, enrolTotp, signIn, totpCode } from '../helpers/portal.js';

const PASSWORD = 'correct horse battery';
const ROOT = { email: 'root@example.com', password: 'root-password-123' };

describe.each(engines)('accounts (%s)', (engine) => {
  let api: TestApi;
  let site: string;
  let n = 0;

  /** A new user (by the admin token), optionally a member of `site`; returns the email and id. */
  async function user(role?: 'owner' | 'service'): Promise<{ email: string; id: string }> {
    const email = `account${++n}@example.com`;
    const created = await api.request('POST', '/api/users', { email, password: PASSWORD });
    expect(created.status).toBe(201);
    if (role) expect((await api.request('POST', `/api/installations/${site}/members`, { email, role })).status).toBe(201);
    return { email, id: created.body.id };
  }

  const login = (email: string, password: string, code?: string) => call(api.base, 'POST', '/api/auth/login', { email, password, ...(code !== undefined && { code }) });

  beforeAll(async () => {
    // Failed sign-ins here all come from one address; the limit has its own suite below.
    api = await startApi(engine, { loginMaxFailures: 100, adminEmail: ROOT.email, adminPassword: ROOT.password });
    site = (await api.request('POST', '/api/installations', { name: 'Depot' })).body.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('changes the own password: the field named on a wrong or short one, other sessions signed out, this one kept', async () => {
    const { email } = await user('service');
    const here = await signIn(api.base, email, PASSWORD);
    const elsewhere = await signIn(api.base, email, PASSWORD);

    const wrong = await here.request('POST', '/api/auth/password', { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details).toEqual([{ field: 'currentPassword', message: 'is not your current password' }]);
    const short = await here.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.details[0].field).toBe('newPassword');

    expect((await here.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })).status).toBe(204);
    expect((await here.request('GET', '/api/auth/me')).status).toBe(200);
    expect((await elsewhere.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await login(email, PASSWORD)).status).toBe(401);
    expect((await login(email, 'a brand new passphrase')).status).toBe(200);

    // The audit log says that the password changed, never what to.
    const audited = await api.gateway.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.password_changed').where('target', '=', email).execute();
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0].changes)).toEqual({ password: { changed: true } });
    expect(JSON.stringify(audited)).not.toContain('brand new');
  });

  it('removes the own second factor only with a fresh code; sign-in then needs none', async () => {
    const { email } = await user();
    const s = await signIn(api.base, email, PASSWORD);
    await enrolTotp(s);
    expect((await login(email, PASSWORD)).body.error).toBe('SECOND_FACTOR_REQUIRED');

    expect((await s.request('DELETE', '/api/auth/totp')).status).toBe(204);
    expect((await s.request('GET', '/api/auth/me')).body.secondFactor).toMatchObject({ enrolled: false });
    expect((await login(email, PASSWORD)).status).toBe(200);
  });

  it("asks for a fresh second factor before removing it, when the session's is not", async () => {
    const { email } = await user();
    const first = await signIn(api.base, email, PASSWORD);
    const { secret } = await enrolTotp(first);
    const second = await signIn(api.base, email, PASSWORD, totpCode(secret, 1));
    // Freshness is per session and starts at sign-in with the code: expire it by hand.
    await api.gateway.store.db.updateTable('user_sessions').set({ second_factor_at: new Date(0).toISOString() }).execute();
    const refused = await second.request('DELETE', '/api/auth/totp');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('SECOND_FACTOR_REQUIRED');
    expect((await login(email, PASSWORD)).status).toBe(401);
  });

  it("lets an admin reset a user's password and second factor, signing them out each time", async () => {
    const { email, id } = await user();
    const s = await signIn(api.base, email, PASSWORD);
    const { secret } = await enrolTotp(s);
    const listed = (await api.request('GET', '/api/users')).body.items.find((u: any) => u.id === id);
    expect(listed).toMatchObject({ email, secondFactor: true });

    const reset = await api.request('PATCH', `/api/users/${id}`, { password: 'set by the operator 1' });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ id, email, name: null, admin: false });
    expect((await s.request('GET', '/api/auth/me')).status).toBe(401);
    const again = await signIn(api.base, email, 'set by the operator 1', totpCode(secret, 1));

    expect((await api.request('DELETE', `/api/users/${id}/second-factor`)).status).toBe(204);
    expect((await again.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await login(email, 'set by the operator 1')).status).toBe(200);
    expect((await api.request('GET', '/api/users')).body.items.find((u: any) => u.id === id).secondFactor).toBe(false);

    const short = await api.request('PATCH', `/api/users/${id}`, { password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.details[0].field).toBe('password');
    expect((await api.request('PATCH', '/api/users/no-such-user', { name: 'x' })).status).toBe(404);
  });

  it('keeps one operator admin', async () => {
    const root = (await api.request('GET', '/api/users')).body.items.find((u: any) => u.email === ROOT.email);
    const refused = await api.request('PATCH', `/api/users/${root.id}`, { admin: false });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('LAST_ADMIN');
    const other = await user();
    expect((await api.request('PATCH', `/api/users/${other.id}`, { admin: true })).body.admin).toBe(true);
    expect((await api.request('PATCH', `/api/users/${root.id}`, { admin: false })).body.admin).toBe(false);
    expect((await api.request('PATCH', `/api/users/${root.id}`, { admin: true })).body.admin).toBe(true);
    expect((await api.request('PATCH', `/api/users/${other.id}`, { admin: false })).status).toBe(200);
  });

  it("deletes a user with their sessions and memberships, but not oneself, nor an installation's only owner", async () => {
    const owner = await user('owner');
    const s = await signIn(api.base, owner.email, PASSWORD);
    const sole = await api.request('DELETE', `/api/users/${owner.id}`);
    expect(sole.status).toBe(409);
    expect(sole.body).toMatchObject({ error: 'LAST_OWNER', details: [{ field: 'id', message: 'is the only owner of Depot' }] });

    const root = await signIn(api.base, ROOT.email, ROOT.password);
    const rootId = root.login.body.user.id;
    // Account changes from a portal session need a second factor proven lately.
    expect((await root.request('DELETE', `/api/users/${owner.id}`)).body.error).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    await enrolTotp(root);
    const self = await root.request('DELETE', `/api/users/${rootId}`);
    expect(self.status).toBe(409);
    expect(self.body.details).toEqual([{ field: 'id', message: 'is your own account' }]);

    const successor = await user('owner');
    expect((await api.request('DELETE', `/api/users/${owner.id}`)).status).toBe(204);
    expect((await s.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await login(owner.email, PASSWORD)).status).toBe(401);
    const members = (await api.request('GET', `/api/installations/${site}/members`)).body.map((m: any) => m.userId);
    expect(members).toContain(successor.id);
    expect(members).not.toContain(owner.id);
    expect((await api.request('DELETE', `/api/users/${owner.id}`)).status).toBe(404);
  });

  it('mints an API token from a portal session only with a second factor proven lately', async () => {
    const { email } = await user('owner');
    const s = await signIn(api.base, email, PASSWORD);
    const mint = () => s.request('POST', '/api/tokens', { label: 'export', role: 'owner', installations: [site] });
    expect((await mint()).body.error).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
    await enrolTotp(s);
    const minted = await mint();
    expect(minted.status).toBe(201);
    // Proven long ago: asked again.
    await api.gateway.store.db.updateTable('user_sessions').set({ second_factor_at: new Date(0).toISOString() }).execute();
    expect((await mint()).body.error).toBe('SECOND_FACTOR_REQUIRED');
    // A bearer token is a scoped credential already: it needs none.
    const asToken = await api.request('POST', '/api/tokens', { label: 'helper', role: 'service', installations: [site] }, { authorization: `Bearer ${minted.body.token}` });
    expect(asToken.status).toBe(201);
  });

  it('keeps an owner on an installation that has owners, whoever asks', async () => {
    const other = (await api.request('POST', '/api/installations', { name: 'Yard' })).body.id;
    const a = await user();
    const b = await user();
    expect((await api.request('POST', `/api/installations/${other}/members`, { email: a.email, role: 'owner' })).status).toBe(201);
    const asOwner = await signIn(api.base, a.email, PASSWORD);

    const demoted = await asOwner.request('PATCH', `/api/installations/${other}/members/${a.id}`, { role: 'service' });
    expect(demoted.status).toBe(409);
    expect(demoted.body).toMatchObject({ error: 'LAST_OWNER', details: [{ field: 'role' }] });
    const removed = await api.request('DELETE', `/api/installations/${other}/members/${a.id}`);
    expect(removed.status).toBe(409);
    expect(removed.body.details).toEqual([{ field: 'userId', message: 'is the only owner of this installation' }]);
    const reAdded = await api.request('POST', `/api/installations/${other}/members`, { email: a.email, role: 'service' });
    expect(reAdded.status).toBe(409);

    expect((await asOwner.request('POST', `/api/installations/${other}/members`, { email: b.email, role: 'owner' })).status).toBe(201);
    expect((await asOwner.request('DELETE', `/api/installations/${other}/members/${a.id}`)).status).toBe(204);
    const left = (await api.request('GET', `/api/installations/${other}/members`)).body;
    expect(left.map((m: any) => [m.userId, m.role])).toEqual([[b.id, 'owner']]);
  });
});

describe.each(engines)('changing a password, guessed (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(engine, { loginMaxFailures: 3 });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses guesses at the current password past the sign-in limit, the right one too', async () => {
    expect((await api.request('POST', '/api/users', { email: 'guessed@example.com', password: PASSWORD })).status).toBe(201);
    const s = await signIn(api.base, 'guessed@example.com', PASSWORD);
    const tries = [];
    for (let i = 0; i < 4; i++) tries.push((await s.request('POST', '/api/auth/password', { currentPassword: `guess number ${i}`, newPassword: 'a brand new passphrase' })).status);
    expect(tries).toEqual([400, 400, 400, 429]);
    const right = await s.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

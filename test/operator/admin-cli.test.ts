// The operator CLI (npm run admin) as a child process on the gateway's database, both engines:
// what it changes is what the running gateway then does (sign-in, tokens, stored secrets).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startApi, type TestApi } from '../api/gateway.js';
import { engines, freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { call, enrolTotp, signIn } from '../helpers/portal.js';
import { runAdmin } from './run.js';
import { startGateway, type Gateway } from '../../src/app.js';
import { createSecretBox } from '../../src/secrets.js';

const FIRST_PASSWORD = 'first-password-1234';
const EMAIL = 'admin@localhost';

/** A sign-in attempt from another loopback address (fetch cannot choose its local address). */
function loginFrom(localAddress: string, base: string, email: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/auth/login`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode!));
    });
    req.once('error', reject);
    req.end(JSON.stringify({ email, password }));
  });
}

describe.each(engines)('npm run admin on %s', { timeout: 120_000 }, (engine) => {
  let api: TestApi;
  let tdb: { dataDir: string; databaseUrl?: string };
  const login = (email: string, password: string) => call(api.base, 'POST', '/api/auth/login', { email, password });

  beforeAll(async () => {
    api = await startApi(engine, { adminPassword: FIRST_PASSWORD, loginMaxFailures: 2, outboundAllowList: ['127.0.0.0/8'] });
    tdb = { dataDir: api.gateway.config.dataDir, databaseUrl: api.gateway.config.databaseUrl };
  });
  afterAll(async () => {
    await api?.close();
  });

  it('reset-password: a locked-out admin signs in with the printed password, old sessions end', async () => {
    const before = await signIn(api.base, EMAIL, FIRST_PASSWORD);
    // Someone else guessing, from another address, locks the email out (the address lock is theirs).
    for (let i = 0; i < 3; i++) await loginFrom('127.0.0.2', api.base, EMAIL, 'not-the-password');
    expect((await login(EMAIL, FIRST_PASSWORD)).status).toBe(429);

    const reset = await runAdmin(tdb, ['reset-password', EMAIL]);
    expect(reset.code).toBe(0);
    const password = reset.stdout.trim();
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(reset.stderr).toContain(`Password of ${EMAIL} reset`);

    expect((await signIn(api.base, EMAIL, password)).login.body.user).toMatchObject({ email: EMAIL, admin: true });
    expect((await login(EMAIL, FIRST_PASSWORD)).status).toBe(401);
    expect((await before.request('GET', '/api/auth/me')).status).toBe(401);

    // A chosen password comes on stdin, never as an argument.
    const chosen = await runAdmin(tdb, ['reset-password', EMAIL, '--password-stdin'], { stdin: 'chosen-password-5678\n' });
    expect(chosen).toMatchObject({ code: 0, stdout: '' });
    expect((await login(EMAIL, 'chosen-password-5678')).status).toBe(200);
  });

  it('remove-second-factor: a lost authenticator no longer blocks the password', async () => {
    const session = await signIn(api.base, EMAIL, 'chosen-password-5678');
    await enrolTotp(session);
    expect((await login(EMAIL, 'chosen-password-5678')).body.error).toBe('SECOND_FACTOR_REQUIRED');

    const removed = await runAdmin(tdb, ['remove-second-factor', EMAIL]);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain(`Second factor of ${EMAIL} removed`);
    const after = await login(EMAIL, 'chosen-password-5678');
    expect(after.status).toBe(200);
    expect(after.body.secondFactor.enrolled).toBe(false);
  });

  it('create-admin: a second admin signs in; the same email twice is refused with exit 3', async () => {
    const created = await runAdmin(tdb, ['create-admin', 'Ops@Example.com', '--name', 'Ops']);
    expect(created.code).toBe(0);
    const session = await signIn(api.base, 'ops@example.com', created.stdout.trim());
    expect(session.login.body.user).toMatchObject({ email: 'ops@example.com', name: 'Ops', admin: true });

    const again = await runAdmin(tdb, ['create-admin', 'ops@example.com']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('a user with the email ops@example.com exists already');
  });

  it('mint-token and revoke-token: the printed token works until revoked', async () => {
    const minted = await runAdmin(tdb, ['mint-token', '--label', 'recovery']);
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    const get = () => call(api.base, 'GET', '/api/installations', undefined, { authorization: `Bearer ${token}` });
    expect((await get()).status).toBe(200);

    const listed = await runAdmin(tdb, ['list-tokens']);
    const line = listed.stdout.split('\n').find((l) => l.endsWith('\trecovery'))!;
    expect(line).toMatch(/\tadmin\t-\t/);
    expect(listed.stdout).not.toContain(token);

    const revoked = await runAdmin(tdb, ['revoke-token', line.split('\t')[0]]);
    expect(revoked.code).toBe(0);
    expect((await get()).status).toBe(401);

    // An owner token reaches its installation only.
    const inst = await api.request('POST', '/api/installations', { name: 'Scoped' });
    const owner = await runAdmin(tdb, ['mint-token', '--role', 'owner', '--installation', inst.body.id]);
    expect(owner.code).toBe(0);
    const items = await call(api.base, 'GET', '/api/installations', undefined, { authorization: `Bearer ${owner.stdout.trim()}` });
    expect(items.body.items.map((i: { id: string }) => i.id)).toEqual([inst.body.id]);
  });

  it('names the argument and exits 2 or 3 when called wrongly', async () => {
    const cases: [string[], number, RegExp][] = [
      [['no-such-command'], 2, /Unknown command "no-such-command"/],
      [['reset-password'], 2, /reset-password: missing argument <email>/],
      [['reset-password', 'nobody@example.com'], 3, /no user with the email nobody@example.com/],
      [['mint-token', '--role', 'root'], 2, /--role: must be one of admin, owner, service/],
      [['mint-token', '--role', 'owner'], 2, /--installation: owner tokens need at least one/],
      [['mint-token', '--lable', 'x'], 2, /unknown option --lable/],
      [['revoke-token', 'no-such-id'], 3, /no token with the id no-such-id/],
      [['import', '/nonexistent/file.json'], 2, /<file>: \/nonexistent\/file.json cannot be read/],
      [['export', '--installation', 'no-such-installation'], 3, /--installation: no installation with the id no-such-installation/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runAdmin(tdb, args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toMatch(message);
    }
  });
});

describe.each(engines)('moving installations: export from %s, import elsewhere', { timeout: 120_000 }, (engine) => {
  let source: TestApi;
  let target: TestDatabase;
  beforeAll(async () => {
    source = await startApi(engine, { adminPassword: FIRST_PASSWORD, outboundAllowList: ['127.0.0.0/8'] });
    // Into the other engine, under another secret key: what moving from SQLite to PostgreSQL needs.
    target = await freshDatabase(engine === 'sqlite' ? 'postgres' : 'sqlite');
  });
  afterAll(async () => {
    await source?.close();
    await target?.drop();
  });

  it('carries settings, chargers, id tags, subscriptions with their secrets, and members; a second import is refused', async () => {
    const inst = await source.request('POST', '/api/installations', {
      name: 'Depot',
      authentication: { mode: 'webhook', authUrl: 'http://127.0.0.1:9/auth', authPayload: 'provider-credential-xyz' },
    });
    expect(inst.status).toBe(201);
    const id = inst.body.id;
    expect((await source.request('POST', `/api/installations/${id}/chargers`, { id: 'CP-MOVE-1' })).status).toBe(201);
    expect((await source.request('POST', `/api/installations/${id}/id-tags`, { idTag: 'TAG-MOVE' })).status).toBe(201);
    const sub = await source.request('POST', '/api/subscriptions', { label: 'hook', installationId: id, url: 'http://127.0.0.1:9/hook', events: ['charger.booted'], secret: 'whsec_c2VjcmV0LXRoYXQtbW92ZXMtYWxvbmctMTIzNA==' });
    expect(sub.status).toBe(201);
    const admin = await source.gateway.store.users.findByEmail(EMAIL);
    await source.gateway.store.users.setMember(id, admin!.id, 'owner');

    const exported = await runAdmin({ dataDir: source.gateway.config.dataDir, databaseUrl: source.gateway.config.databaseUrl }, ['export']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('Exported 1 installation(s)');
    const file = join(target.dataDir, 'export.json');
    writeFileSync(file, exported.stdout);

    const imported = await runAdmin(target, ['import', file]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain(`No account here for ${EMAIL}`);

    const store = await openTestStore(target);
    try {
      const moved = await store.installations.get(id);
      expect(moved).toMatchObject({ name: 'Depot', authMode: 'webhook' });
      expect(moved!.authentication.authPayload).toBe('provider-credential-xyz');
      expect((await store.chargers.get('CP-MOVE-1'))?.installationId).toBe(id);
      expect(await store.idTags.list(id)).toEqual([expect.objectContaining({ idTag: 'TAG-MOVE' })]);
      const subs = await store.subscriptions.list();
      expect(subs).toEqual([expect.objectContaining({ id: sub.body.id, label: 'hook', installationId: id })]);
      expect((await store.subscriptions.secrets(sub.body.id))?.secret).toBe('whsec_c2VjcmV0LXRoYXQtbW92ZXMtYWxvbmctMTIzNA==');
    } finally {
      await store.close();
    }

    const again = await runAdmin(target, ['import', file]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(`installation ${id} (Depot) exists already`);

    const broken = join(target.dataDir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ format: 'ocpp-gateway-installations', version: 1, installations: [{ installation: { name: 'x' } }] }));
    const refused = await runAdmin(target, ['import', broken]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not an export of this gateway: installations\.0\.installation\.id/);
  });
});

/** A gateway on `tdb` this file starts and stops itself (startApi's close would drop the database a restart needs). */
function startOn(tdb: Pick<TestDatabase, 'dataDir' | 'databaseUrl'>, secretKey?: string) {
  return startGateway({ isolated: true, host: '127.0.0.1', ocppPort: 0, httpPort: 0, logLevel: 'silent', adminToken: ADMIN_TOKEN, dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl, ...(secretKey && { secretKey }) });
}

/** An installation in provider mode whose credential is sealed in the store. */
async function sealedInstallation(gw: Gateway, authPayload: string): Promise<string> {
  const inst = await gw.store.installations.create({ name: 'Keyed', authMode: 'webhook', authentication: { mode: 'webhook', authUrl: 'http://127.0.0.1:9/auth', authPayload } });
  return inst.id;
}

const sealedPayload = async (gw: Gateway, id: string) =>
  (await gw.store.db.selectFrom('installations').select('auth_payload').where('id', '=', id).executeTakeFirstOrThrow()).auth_payload!;

describe.each(engines)('rotate-secret-key on %s', { timeout: 120_000 }, (engine) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await freshDatabase(engine);
  });
  afterAll(() => tdb?.drop());

  it('seals every stored secret with a new key the restarted gateway reads', async () => {
    const first = await startOn(tdb);
    const id = await sealedInstallation(first, 'sealed-credential');
    const sealedBefore = await sealedPayload(first, id);
    // Stopped first: a running gateway holds the old key.
    await first.close();
    const keyFile = join(tdb.dataDir, 'secret.key');
    const oldKey = readFileSync(keyFile, 'utf8');

    const rotated = await runAdmin(tdb, ['rotate-secret-key']);
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toMatch(/New secret key written to .*secret\.key; 1 stored secrets sealed with it/);
    const newKey = readFileSync(keyFile, 'utf8');
    expect(newKey).not.toBe(oldKey);
    expect(newKey.trim().split('\n')).toHaveLength(1);

    const restarted = await startOn(tdb);
    try {
      const sealed = await sealedPayload(restarted, id);
      expect(sealed).not.toBe(sealedBefore);
      expect(createSecretBox(Buffer.from(newKey.trim(), 'base64')).open(sealed)).toBe('sealed-credential');
      expect((await restarted.store.installations.get(id))!.authentication.authPayload).toBe('sealed-credential');
    } finally {
      await restarted.close();
    }
  });
});

describe('rotate-secret-key with SECRET_KEY configured', { timeout: 120_000 }, () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await freshDatabase('sqlite');
  });
  afterAll(() => tdb?.drop());

  it('prints the new key to set, writes no key file, and the gateway started with it reads every secret', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const first = await startOn(tdb, oldKey);
    const id = await sealedInstallation(first, 'env-sealed-credential');
    await first.close();

    const rotated = await runAdmin(tdb, ['rotate-secret-key'], { env: { SECRET_KEY: oldKey } });
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('SECRET_KEY is configured, so set it to the key below');
    const newKey = rotated.stdout.trim();
    expect(Buffer.from(newKey, 'base64')).toHaveLength(32);
    expect(newKey).not.toBe(oldKey);
    expect(existsSync(join(tdb.dataDir, 'secret.key'))).toBe(false);

    const restarted = await startOn(tdb, newKey);
    try {
      expect((await restarted.store.installations.get(id))!.authentication.authPayload).toBe('env-sealed-credential');
    } finally {
      await restarted.close();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates } from '../helpers/certs.js';
import { oauthPayload, PROVIDER_PASSWORD, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { ADMIN_TOKEN } from '../helpers/gateway.js';
import { receiver } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { call, signIn, totpCode } from '../helpers/portal.js';

const SECRET_KEY = randomBytes(32).toString('base64');
/** Every table the gateway writes: events, deliveries and the outbox carry copies of what happened. */
const TABLES = [
  'installations', 'chargers', 'connectors', 'id_tags', 'transactions', 'meter_values', 'ocpp_anomalies',
  'api_tokens', 'outbox', 'events', 'subscriptions', 'deliveries',
  'users', 'user_sessions', 'memberships', 'totp', 'recovery_codes', 'login_failures', 'audit_log', 'charger_auth_failures',
] as const;

const USER_PASSWORD = 'Portal-User-Password-5566';
const ADMIN_PASSWORD = 'Portal-Admin-Password-7788';

/**
 * One scenario that uses every kind of secret the gateway holds (the key that seals them and the
 * TLS key included), then scans every log line, every API reply (refusals too) and every table
 * for them. Only the two replies that exist to hand a secret over once (a new subscription's
 * secret, a new charger password) may contain one, each only its own.
 */
describe('secrets never reach logs or API replies', () => {
  let w: ProviderSetup;
  let r: Receiver;
  const replies: { path: string; body: string }[] = [];
  const secrets: string[] = [ADMIN_TOKEN, PROVIDER_PASSWORD, SECRET_KEY];

  beforeAll(async () => {
    const certs = makeCertificates([]);
    // Each line of the PEM body is key material on its own.
    const keyLines = readFileSync(certs.file('server.key'), 'utf8').split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
    secrets.push(...keyLines);
    w = await startProviderSetup(
      'sqlite',
      { secretKey: SECRET_KEY, adminPassword: ADMIN_PASSWORD, ocppTlsPort: 0, tlsCertFile: certs.file('server.pem'), tlsKeyFile: certs.file('server.key') },
      { rules: { defaultAllowed: true } },
    );
    r = await receiver({ secret: 'Subscription-Secret-445566', basicAuth: { username: 'hook', password: 'Hook-Password-778899' } });
  });
  afterAll(async () => {
    await w?.stop();
    await r?.close();
  });

  const api = async (method: string, path: string, body?: unknown, handsOver = false) => {
    const res = await w.t.api(method, path, body);
    if (!handsOver) replies.push({ path: `${method} ${path}`, body: JSON.stringify(res.body ?? '') });
    return res;
  };

  it('runs a scenario with every secret', async () => {
    const inst = await api('POST', '/api/installations', {
      name: 'Secrets',
      authentication: { mode: 'webhook', authUrl: w.provider.tokenUrl, authPayload: oauthPayload, sessionStartUrl: w.provider.startUrl, sessionEndUrl: w.provider.endUrl },
    });
    await api('POST', `/api/installations/${inst.body.id}/chargers`, { id: 'SCAN-1' });
    await api('PATCH', `/api/installations/${inst.body.id}`, { securityProfile: 1 });
    const pw = await api('POST', '/api/chargers/SCAN-1/password', {}, true);
    secrets.push(pw.body.password);
    const sub = await api(
      'POST',
      '/api/subscriptions',
      {
        label: 'scan', url: r.url, events: ['*'], secret: 'Subscription-Secret-445566',
        authentication: { kind: 'basic', username: 'hook', password: 'Hook-Password-778899' },
      },
      true,
    );
    secrets.push('Subscription-Secret-445566', 'Hook-Password-778899');
    const kafka = await api('POST', '/api/subscriptions', {
      label: 'kafka', kind: 'kafka', events: ['session.stopped'],
      kafka: { brokers: ['127.0.0.1:1'], topic: 't', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'u', password: 'Kafka-Password-112233' },
    }, true);
    secrets.push('Kafka-Password-112233');
    // The token the provider issued is a secret too.
    const c = w.t.charger('SCAN-1', { headers: { authorization: `Basic ${Buffer.from(`SCAN-1:${pw.body.password}`).toString('base64')}` } });
    await c.connect();
    await c.boot();
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'SCANTAG', meterStart: 0 });
    await c.stopTransaction({ transactionId, meterStop: 10 });
    await c.close();
    const bearer = String(w.provider.received.starts.at(-1)!.headers.authorization).replace(/^Bearer /, '');
    secrets.push(bearer);
    await r.waitFor(3);
    await expect.poll(() => w.provider.received.ends.length).toBe(1);
    for (const path of [
      '/api/installations', `/api/installations/${inst.body.id}`, '/api/chargers/SCAN-1', '/api/subscriptions',
      `/api/subscriptions/${sub.body.id}`, `/api/subscriptions/${kafka.body.id}`, `/api/subscriptions/${sub.body.id}/deliveries`,
      `/api/transactions/${transactionId}`, '/api/openapi.json',
    ]) {
      await api('GET', path);
    }
    await api('POST', `/api/subscriptions/${sub.body.id}/test`);
    await portalScenario(inst.body.id);
    // The portal's Test button fetches a token of its own: that one is a secret too.
    const tried = await api('POST', `/api/installations/${inst.body.id}/authentication/test`, { idTag: 'SCANTAG' });
    expect(tried.body.sessionStart).toMatchObject({ ok: true, status: 200 });
    secrets.push(String(w.provider.received.starts.at(-1)!.headers.authorization).replace(/^Bearer /, ''));
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 16)).toBe(true);
  });

  /**
   * A portal user: password, session cookie, TOTP secret, recovery codes and an API token they
   * create. Only enrolment, confirmation and token creation hand a secret over.
   */
  async function portalScenario(installationId: string) {
    const base = `http://127.0.0.1:${w.t.gw.httpPort}`;
    await api('POST', '/api/users', { email: 'scan@example.com', name: 'Scan', password: USER_PASSWORD });
    await api('POST', `/api/installations/${installationId}/members`, { email: 'scan@example.com', role: 'owner' });
    secrets.push(USER_PASSWORD, ADMIN_PASSWORD);
    const refused = await call(base, 'POST', '/api/auth/login', { email: 'scan@example.com', password: 'Wrong-Password-Given-1234' });
    replies.push({ path: 'POST /api/auth/login (refused)', body: JSON.stringify(refused.body) });
    secrets.push('Wrong-Password-Given-1234');
    const s = await signIn(base, 'scan@example.com', USER_PASSWORD);
    secrets.push(s.cookie);
    const record = (path: string, body: unknown) => replies.push({ path, body: JSON.stringify(body ?? '') });
    record('POST /api/auth/login', s.login.body);
    const enrol = await s.request('POST', '/api/auth/totp/enrol');
    const secret: string = enrol.body.secret;
    const confirm = await s.request('POST', '/api/auth/totp/confirm', { code: totpCode(secret) });
    secrets.push(secret, ...confirm.body.recoveryCodes);
    const token = await s.request('POST', '/api/tokens', { label: 'scan token', role: 'service', installations: [installationId] });
    secrets.push(token.body.token);
    const loginWithCode = await call(base, 'POST', '/api/auth/login', { email: 'scan@example.com', password: USER_PASSWORD, code: confirm.body.recoveryCodes[0] });
    record('POST /api/auth/login (recovery code)', loginWithCode.body);
    for (const path of ['/api/auth/me', '/api/tokens', `/api/installations/${installationId}`, `/api/installations/${installationId}/members`, `/api/installations/${installationId}/audit`]) {
      record(`GET ${path} (portal)`, (await s.request('GET', path)).body);
    }
    record('POST /api/auth/step-up', (await s.request('POST', '/api/auth/step-up', { code: totpCode(secret, 1) })).body);
    record('GET /api/users', (await api('GET', '/api/users')).body);
  }

  it('refuses requests that carry secrets without echoing them', async () => {
    const refused = [
      await api('POST', '/api/subscriptions', {
        label: 'refused', url: 'http://10.1.2.3/hooks', events: ['*'], secret: 'Refused-Sub-Secret-0001',
        authentication: { kind: 'basic', username: 'hook', password: 'Refused-Hook-Password-02' },
      }),
      await api('POST', '/api/subscriptions', {
        label: 'refused-kafka', kind: 'kafka', events: ['*'],
        kafka: { brokers: ['10.1.2.3:9092'], topic: 't', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'u', password: 'Refused-Kafka-Password-3' },
      }),
      await api('POST', '/api/installations', {
        name: 'Refused', authentication: { mode: 'webhook', authPayload: 'username=u&password=Refused-Payload-Pass-04', sessionStartUrl: 'not a url' },
      }),
      await api('POST', '/api/chargers/SCAN-1/password', { password: 'Refused-Charger-Password-05-'.padEnd(41, 'x') }),
      await api('POST', '/api/chargers/SCAN-1/password', { password: 'Short-Pass-06' }),
    ];
    secrets.push('Refused-Sub-Secret-0001', 'Refused-Hook-Password-02', 'Refused-Kafka-Password-3', 'Refused-Payload-Pass-04', 'Refused-Charger-Password-05-');
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
  });

  it('finds none of them in any log line or API reply', () => {
    const logs = JSON.stringify(w.t.logs);
    for (const secret of secrets) {
      expect(logs.includes(secret), `a log line contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
      for (const reply of replies) expect(reply.body.includes(secret), `${reply.path} contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
    }
    expect(replies.length).toBeGreaterThan(10);
  });

  it('finds none of them in any table, sealed columns included', async () => {
    const { db, logDb } = w.t.gw.store;
    // The delivery thread writes its attempt log (on SQLite, a file of its own) in batches: wait for it rather than race it.
    await expect.poll(async () => (await logDb.selectFrom('deliveries').select('id').execute()).length).toBeGreaterThan(2);
    const rows = Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await (t === 'deliveries' ? logDb : db).selectFrom(t).selectAll().execute()] as const)));
    // The scan looks where the scenario wrote: events, their deliveries and the session end.
    expect(rows.events.length).toBeGreaterThan(2);
    expect(rows.deliveries.length).toBeGreaterThan(2);
    expect(rows.outbox.length).toBe(1);
    for (const table of TABLES) {
      const text = JSON.stringify(rows[table]);
      for (const secret of secrets) expect(text.includes(secret), `table ${table} contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
    }
  });
});

// The audit log of an installation's configuration: who changed which setting when, secrets never in it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';
import { signIn } from '../helpers/portal.js';

const PAYLOAD_SECRET = 'Audit-Payload-Secret-4455';
const SUBSCRIPTION_SECRET = 'Audit-Subscription-Secret-7788';
const HOOK_PASSWORD = 'Audit-Hook-Password-9911';

describe.each(engines)('audit log (%s)', (engine) => {
  let api: TestApi;
  let site: string;
  const handedOver: string[] = [];

  beforeAll(async () => {
    api = await startApi(engine, { outboundAllowList: ['127.0.0.0/8'] });
    site = (await api.request('POST', '/api/installations', { name: 'Audited' })).body.id;
    await api.request('PATCH', `/api/installations/${site}`, {
      authentication: { mode: 'webhook', authUrl: 'http://127.0.0.1:9/token', authPayload: `client_secret=${PAYLOAD_SECRET}` },
    });
    await api.request('POST', `/api/installations/${site}/chargers`, { id: 'AUD-1' });
    handedOver.push((await api.request('POST', '/api/chargers/AUD-1/password', {})).body.password);
    await api.request('POST', `/api/installations/${site}/id-tags`, { idTag: 'AUDTAG', status: 'Blocked' });
    await api.request('POST', '/api/subscriptions', {
      installationId: site, label: 'audited hook', url: 'http://127.0.0.1:9/hook', events: ['*'], enabled: false, secret: SUBSCRIPTION_SECRET,
      authentication: { kind: 'basic', username: 'hook', password: HOOK_PASSWORD },
    });
    handedOver.push((await api.request('POST', '/api/tokens', { label: 'audited token', role: 'service', installations: [site] })).body.token);
    await api.request('POST', '/api/users', { email: 'owner@example.com', name: 'Olga', password: 'owner password 1' });
    await api.request('POST', `/api/installations/${site}/members`, { email: 'owner@example.com', role: 'owner' });
    const owner = await signIn(api.base, 'owner@example.com', 'owner password 1');
    expect((await owner.request('PATCH', `/api/installations/${site}`, { name: 'Audited site' })).status).toBe(200);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('records who changed which setting, newest first', async () => {
    const res = await api.request('GET', `/api/installations/${site}/audit`);
    expect(res.status).toBe(200);
    const items: any[] = res.body.items;
    expect(items.map((e) => e.action)).toEqual([
      'installation.updated', 'member.added', 'token.created', 'subscription.created', 'id_tag.created',
      'charger.password_set', 'charger.registered', 'installation.updated', 'installation.created',
    ]);
    expect(items[0]).toMatchObject({
      actor: { kind: 'user', id: expect.any(String), label: 'owner@example.com' },
      target: 'Audited site',
      changes: { name: { from: 'Audited', to: 'Audited site' } },
    });
    const auth = items.at(-2);
    expect(auth.actor).toEqual({ kind: 'admin-token', label: 'ADMIN_TOKEN' });
    expect(auth.changes).toMatchObject({
      'authentication.mode': { from: 'native', to: 'webhook' },
      'authentication.authUrl': { from: null, to: 'http://127.0.0.1:9/token' },
      'authentication.authPayload': { changed: true },
    });
    expect(auth.changes['authentication.authPayload']).toEqual({ changed: true });
    expect(Date.parse(auth.at)).toBeGreaterThan(0);
    expect(items.find((e) => e.action === 'id_tag.created').changes).toMatchObject({ status: { to: 'Blocked' } });
    expect(items.find((e) => e.action === 'charger.password_set').changes).toEqual({ password: { changed: true } });
    expect(items.find((e) => e.action === 'subscription.created').changes).toMatchObject({ secret: { changed: true }, 'authentication.password': { changed: true } });

    const page = await api.request('GET', `/api/installations/${site}/audit?limit=2&offset=1`);
    expect(page.body.items.map((e: any) => e.id)).toEqual(items.slice(1, 3).map((e) => e.id));
  });

  it('never holds a secret, in the reply or in the table', async () => {
    const reply = JSON.stringify((await api.request('GET', `/api/installations/${site}/audit?limit=500`)).body);
    const table = JSON.stringify(await api.gateway.store.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [PAYLOAD_SECRET, SUBSCRIPTION_SECRET, HOOK_PASSWORD, 'owner password 1', ...handedOver]) {
      expect(reply.includes(secret), secret.slice(0, 4)).toBe(false);
      expect(table.includes(secret), secret.slice(0, 4)).toBe(false);
    }
  });

  it('names the field when limit or offset is not a whole number in range', async () => {
    const res = await api.request('GET', `/api/installations/${site}/audit?limit=0`);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: any) => d.field)).toEqual(['limit']);
  });
});

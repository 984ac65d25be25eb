// Every API route checks scope: a service token or a service user of installation A gets 404 for
// anything of installation B, never sees B in a list, and owner-only routes refuse service
// members. The table below must name every route the routers register, so a new route without
// an entry fails here.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/api/deps.js';
import { registeredRoutes } from '../../src/api/routes/index.js';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';
import { enrolTotp, signIn, type PortalResponse, type PortalSession } from '../helpers/portal.js';

/** Ids of what installation B holds (and of A, for owner-only checks). */
interface Ids {
  a: string;
  b: string;
  charger: string;
  idTag: string;
  transaction: number;
  subscription: string;
  globalSubscription: string;
  member: string;
  token: string;
}

type Request = { path: string; body?: unknown };
/**
 * notFound: 404 for B. forbidden: admin-only, 403 for anyone else. invalid: names B in a body and is
 * refused naming the field. list: 200 without B. own: about the caller alone (sign-in), no installation data.
 */
type Entry =
  | { expect: 'notFound' | 'forbidden'; call: (ids: Ids) => Request }
  | { expect: 'invalid'; call: (ids: Ids) => Request; field: string }
  | { expect: 'list'; call: (ids: Ids) => Request; leaks: (body: any, ids: Ids) => boolean }
  | { expect: 'own'; why: string };

const itemsOf = (body: any): any[] => (Array.isArray(body) ? body : body.items);

const TABLE: Record<string, Entry> = {
  'post /api/installations': { expect: 'forbidden', call: () => ({ path: '/api/installations', body: { name: 'Mine now' } }) },
  'get /api/installations': { expect: 'list', call: () => ({ path: '/api/installations' }), leaks: (b, ids) => itemsOf(b).some((i) => i.id === ids.b) },
  'get /api/installations/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}` }) },
  'patch /api/installations/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}`, body: { securityProfile: 1 } }) },
  'delete /api/installations/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}` }) },
  'post /api/installations/{id}/chargers': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/chargers`, body: { id: 'SNEAKY-1' } }) },
  'get /api/installations/{id}/chargers': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/chargers` }) },
  'delete /api/installations/{id}/chargers/{chargerId}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/chargers/${ids.charger}` }) },
  'get /api/chargers/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}` }) },
  'get /api/chargers/{id}/security-events': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/security-events` }) },
  'get /api/chargers/{id}/local-list': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/local-list` }) },
  'post /api/chargers/{id}/local-list/sync': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/local-list/sync` }) },
  'get /api/chargers/{id}/reservations': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/reservations` }) },
  'get /api/chargers/{id}/charging-profiles': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/charging-profiles` }) },
  'post /api/installations/{id}/id-tags': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/id-tags`, body: { idTag: 'SNEAKY' } }) },
  'get /api/installations/{id}/id-tags': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/id-tags` }) },
  'get /api/installations/{id}/id-tags/{idTag}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/id-tags/${ids.idTag}` }) },
  'delete /api/installations/{id}/id-tags/{idTag}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/id-tags/${ids.idTag}` }) },
  'get /api/transactions': {
    expect: 'list',
    call: () => ({ path: '/api/transactions' }),
    leaks: (b, ids) => itemsOf(b).some((t) => t.installationId === ids.b),
  },
  'get /api/transactions.csv': {
    expect: 'list',
    call: () => ({ path: '/api/transactions.csv' }),
    leaks: (csv: string, ids) => csv.includes(ids.b) || csv.includes(ids.charger),
  },
  'get /api/transactions/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/transactions/${ids.transaction}` }) },
  'post /api/chargers/{id}/commands/{action}': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/commands/Reset`, body: { type: 'Soft' } }) },
  'post /api/subscriptions': {
    expect: 'invalid',
    field: 'installationId',
    call: (ids) => ({ path: '/api/subscriptions', body: { installationId: ids.b, label: 'sneaky', url: 'http://127.0.0.1:9/hook', events: ['*'] } }),
  },
  'get /api/subscriptions': {
    expect: 'list',
    call: () => ({ path: '/api/subscriptions' }),
    leaks: (b, ids) => itemsOf(b).some((s) => s.installationId === ids.b || s.id === ids.globalSubscription),
  },
  'get /api/subscriptions/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}` }) },
  'patch /api/subscriptions/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}`, body: { label: 'mine' } }) },
  'delete /api/subscriptions/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}` }) },
  'post /api/subscriptions/{id}/verify': { expect: 'notFound', call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}/verify` }) },
  'get /api/subscriptions/{id}/deliveries': { expect: 'notFound', call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}/deliveries` }) },
  'post /api/subscriptions/{id}/test': { expect: 'notFound', call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}/test` }) },
  'post /api/subscriptions/{id}/redeliver': {
    expect: 'notFound',
    call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}/redeliver`, body: { eventId: '00000000-0000-4000-8000-000000000000' } }),
  },
  'get /api/dashboard': { expect: 'list', call: () => ({ path: '/api/dashboard' }), leaks: (b, ids) => itemsOf(b).some((i) => i.id === ids.b) },
  'post /api/subscriptions/{id}/secret': { expect: 'notFound', call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}/secret`, body: { overlapHours: 1 } }) },
  'post /api/subscriptions/{id}/retry-failed': {
    expect: 'notFound',
    call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}/retry-failed`, body: { since: '2020-01-01T00:00:00Z' } }),
  },
  'post /api/subscriptions/{id}/replay': {
    expect: 'notFound',
    call: (ids) => ({ path: `/api/subscriptions/${ids.subscription}/replay`, body: { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' } }),
  },
  'put /api/chargers/{id}/security-profile': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/security-profile`, body: { securityProfile: 1 } }) },
  'put /api/chargers/{id}/registration': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/registration`, body: { registration: 'pending' } }) },
  'post /api/chargers/{id}/password': { expect: 'notFound', call: (ids) => ({ path: `/api/chargers/${ids.charger}/password`, body: {} }) },
  'post /api/auth/login': { expect: 'own', why: 'signs the caller in; returns only their own user' },
  'post /api/auth/logout': { expect: 'own', why: "ends the caller's own session" },
  'get /api/auth/me': { expect: 'own', why: "the caller's own memberships (checked below)" },
  'post /api/auth/totp/enrol': { expect: 'own', why: "the caller's own second factor" },
  'post /api/auth/totp/confirm': { expect: 'own', why: "the caller's own second factor" },
  'post /api/auth/step-up': { expect: 'own', why: "the caller's own session" },
  'post /api/auth/password': { expect: 'own', why: "the caller's own password" },
  'delete /api/auth/totp': { expect: 'own', why: "the caller's own second factor" },
  'post /api/users': { expect: 'forbidden', call: () => ({ path: '/api/users', body: { email: 'sneaky@example.com', password: 'long enough password' } }) },
  'get /api/users': { expect: 'forbidden', call: () => ({ path: '/api/users' }) },
  'patch /api/users/{id}': { expect: 'forbidden', call: (ids) => ({ path: `/api/users/${ids.member}`, body: { admin: true } }) },
  'delete /api/users/{id}': { expect: 'forbidden', call: (ids) => ({ path: `/api/users/${ids.member}` }) },
  'delete /api/users/{id}/second-factor': { expect: 'forbidden', call: (ids) => ({ path: `/api/users/${ids.member}/second-factor` }) },
  'get /api/installations/{id}/members': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/members` }) },
  'post /api/installations/{id}/members': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/members`, body: { email: 'b-owner@example.com', role: 'service' } }) },
  'patch /api/installations/{id}/members/{userId}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/members/${ids.member}`, body: { role: 'service' } }) },
  'delete /api/installations/{id}/members/{userId}': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/members/${ids.member}` }) },
  'post /api/tokens': { expect: 'invalid', field: 'installations.0', call: (ids) => ({ path: '/api/tokens', body: { label: 'sneaky', role: 'service', installations: [ids.b] } }) },
  'get /api/tokens': { expect: 'list', call: () => ({ path: '/api/tokens' }), leaks: (b, ids) => itemsOf(b).some((t) => t.id === ids.token || t.installations.includes(ids.b)) },
  'delete /api/tokens/{id}': { expect: 'notFound', call: (ids) => ({ path: `/api/tokens/${ids.token}` }) },
  'get /api/installations/{id}/audit': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/audit` }) },
  'get /api/installations/{id}/live': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/live` }) },
  'post /api/installations/{id}/authentication/test': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/authentication/test`, body: { idTag: 'SNEAKY' } }) },
  'get /api/installations/{id}/authorization-sources': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/authorization-sources` }) },
  'put /api/installations/{id}/authorization-sources': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/authorization-sources`, body: { sources: ['ocpi'] } }) },
  'get /api/installations/{id}/location': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/location` }) },
  'put /api/installations/{id}/location': { expect: 'notFound', call: (ids) => ({ path: `/api/installations/${ids.b}/location`, body: { location: null } }) },
  'get /api/ocpi/partners': { expect: 'forbidden', call: () => ({ path: '/api/ocpi/partners' }) },
  'post /api/ocpi/partners': { expect: 'forbidden', call: () => ({ path: '/api/ocpi/partners', body: { countryCode: 'NL', partyId: 'SNK' } }) },
  'get /api/ocpi/partners/{id}': { expect: 'forbidden', call: () => ({ path: '/api/ocpi/partners/00000000-0000-4000-8000-000000000000' }) },
  'delete /api/ocpi/partners/{id}': { expect: 'forbidden', call: () => ({ path: '/api/ocpi/partners/00000000-0000-4000-8000-000000000000' }) },
  'put /api/ocpi/partners/{id}/credentials': { expect: 'forbidden', call: () => ({ path: '/api/ocpi/partners/00000000-0000-4000-8000-000000000000/credentials' }) },
  'get /api/ocpi/partners/{id}/tokens': { expect: 'forbidden', call: () => ({ path: '/api/ocpi/partners/00000000-0000-4000-8000-000000000000/tokens' }) },
  'post /api/ocpi/partners/{id}/tokens/pull': { expect: 'forbidden', call: () => ({ path: '/api/ocpi/partners/00000000-0000-4000-8000-000000000000/tokens/pull', body: {} }) },
};

const METHOD_OF = (key: string) => key.split(' ')[0].toUpperCase();

/** Owner-only, checked on A itself with a service member of A. */
const OWNER_ONLY = (ids: Ids): [string, Request][] => [
  ['GET', { path: `/api/installations/${ids.a}/members` }],
  ['POST', { path: `/api/installations/${ids.a}/members`, body: { email: 'b-owner@example.com', role: 'owner' } }],
  ['GET', { path: `/api/installations/${ids.a}/audit` }],
  ['PATCH', { path: `/api/installations/${ids.a}`, body: { name: 'Taken over' } }],
  ['PATCH', { path: `/api/installations/${ids.a}`, body: { requireSecondFactor: true } }],
  ['DELETE', { path: `/api/installations/${ids.a}` }],
  ['PUT', { path: `/api/installations/${ids.a}/authorization-sources`, body: { sources: ['ocpi'] } }],
  ['PUT', { path: `/api/installations/${ids.a}/location`, body: { location: null } }],
];

describe('the scope table', () => {
  it('has an entry for every registered route, and none for a route that is gone', () => {
    const served = registeredRoutes({ store: {} } as unknown as ApiDeps).map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !(r in TABLE)), 'routes without an entry in TABLE').toEqual([]);
    expect(Object.keys(TABLE).filter((k) => !served.includes(k)), 'entries for routes not served').toEqual([]);
  });
});

describe.each(engines)('installation scope (%s)', (engine) => {
  let api: TestApi;
  let ids: Ids;
  type Caller = { name: string; send: (method: string, r: Request) => Promise<PortalResponse> };
  const callers: Caller[] = [];
  let session: PortalSession;

  beforeAll(async () => {
    api = await startApi(engine, { outboundAllowList: ['127.0.0.0/8'] });
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await api.request(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const a = (await admin('POST', '/api/installations', { name: 'A' })).id;
    const b = (await admin('POST', '/api/installations', { name: 'B' })).id;
    await admin('POST', `/api/installations/${b}/chargers`, { id: 'B-1' });
    await admin('POST', `/api/installations/${b}/id-tags`, { idTag: 'BTAG' });
    const subscription = (await admin('POST', '/api/subscriptions', { installationId: b, label: 'b', url: 'http://127.0.0.1:9/hook', events: ['*'], enabled: false })).id;
    const globalSubscription = (await admin('POST', '/api/subscriptions', { label: 'all', url: 'http://127.0.0.1:9/hook', events: ['*'], enabled: false })).id;
    await admin('POST', '/api/users', { email: 'b-owner@example.com', password: 'b owner password' });
    const member = (await admin('POST', `/api/installations/${b}/members`, { email: 'b-owner@example.com', role: 'owner' })).userId;
    const token = (await admin('POST', '/api/tokens', { label: 'b owner', role: 'owner', installations: [b] })).id;
    const charger = await api.charger('B-1');
    await charger.boot();
    const { transactionId } = await charger.startTransaction({ connectorId: 1, idTag: 'BTAG', meterStart: 0 });
    ids = { a, b, charger: 'B-1', idTag: 'BTAG', transaction: transactionId, subscription, globalSubscription, member, token };

    const serviceToken = (await admin('POST', '/api/tokens', { label: 'a service', role: 'service', installations: [a] })).token;
    callers.push({ name: 'service token of A', send: (method, r) => api.request(method, r.path, r.body, { authorization: `Bearer ${serviceToken}` }) });
    await admin('POST', '/api/users', { email: 'a-service@example.com', password: 'a service password' });
    await admin('POST', `/api/installations/${a}/members`, { email: 'a-service@example.com', role: 'service' });
    session = await signIn(api.base, 'a-service@example.com', 'a service password');
    await enrolTotp(session); // fresh, so the 404s below are about scope, not about the second factor
    callers.push({ name: 'service user of A', send: (method, r) => session.request(method, r.path, r.body) });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lets each caller work on A (so the refusals below are about scope)', async () => {
    for (const c of callers) {
      expect((await c.send('GET', { path: `/api/installations/${ids.a}/chargers` })).status, c.name).toBe(200);
      expect((await c.send('POST', { path: `/api/installations/${ids.a}/id-tags`, body: { idTag: 'ATAG' } })).status, c.name).toBeLessThan(300);
      expect(itemsOf((await c.send('GET', { path: '/api/installations' })).body).map((i: any) => i.id), c.name).toEqual([ids.a]);
    }
  });

  it('answers every route for B as if B did not exist, and lists no B', async () => {
    for (const c of callers) {
      for (const [key, entry] of Object.entries(TABLE)) {
        if (entry.expect === 'own') continue;
        const request = entry.call(ids);
        const res = await c.send(METHOD_OF(key), request);
        const label = `${c.name}: ${key}`;
        if (entry.expect === 'notFound') {
          expect(res.status, label).toBe(404);
          expect(res.body.error, label).toBe('NOT_FOUND');
        } else if (entry.expect === 'forbidden') {
          expect(res.status, label).toBe(403);
          expect(res.body.error, label).toBe('FORBIDDEN');
        } else if (entry.expect === 'invalid') {
          expect(res.status, label).toBe(400);
          expect(res.body.details.map((d: any) => d.field), label).toContain(entry.field);
        } else if (entry.expect === 'list') {
          expect(res.status, label).toBe(200);
          expect(entry.leaks(res.body, ids), label).toBe(false);
        }
      }
    }
    // Nothing of B changed.
    expect((await api.request('GET', `/api/installations/${ids.b}`)).body).toMatchObject({ name: 'B', securityProfile: 0 });
    expect((await api.request('GET', `/api/installations/${ids.b}/chargers`)).body.items.map((c: any) => c.id)).toEqual(['B-1']);
    expect((await api.request('GET', `/api/installations/${ids.b}/id-tags`)).body.items.map((t: any) => t.idTag)).toEqual(['BTAG']);
    expect((await api.request('GET', `/api/subscriptions/${ids.subscription}`)).body.label).toBe('b');
    expect((await api.request('GET', `/api/installations/${ids.b}/members`)).body).toEqual([expect.objectContaining({ email: 'b-owner@example.com', role: 'owner' })]);
    expect((await api.request('GET', '/api/tokens')).body.items.map((t: any) => t.id)).toContain(ids.token);
    expect((await api.request('GET', '/api/users')).body.items.map((u: any) => u.email)).not.toContain('sneaky@example.com');
  });

  it('finds nothing of B when a list is filtered to B', async () => {
    for (const c of callers) {
      for (const path of [`/api/transactions?installationId=${ids.b}`, `/api/subscriptions?installationId=${ids.b}`]) {
        const res = await c.send('GET', { path });
        expect(res.status, `${c.name}: ${path}`).toBe(200);
        expect(res.body.items, `${c.name}: ${path}`).toEqual([]);
      }
    }
    // While the admin token sees B's transaction, so the filter has something to hide.
    expect((await api.request('GET', `/api/transactions?installationId=${ids.b}`)).body.items.map((t: any) => t.id)).toEqual([ids.transaction]);
    expect((await api.request('GET', '/api/transactions.csv')).body).toContain(ids.charger);
  });

  it("refuses a service member A's owner-only routes as if they did not exist", async () => {
    for (const c of callers) {
      for (const [method, request] of OWNER_ONLY(ids)) {
        const res = await c.send(method, request);
        expect(res.status, `${c.name}: ${method} ${request.path}`).toBe(404);
      }
    }
    expect((await api.request('GET', `/api/installations/${ids.a}`)).body).toMatchObject({ name: 'A', requireSecondFactor: false });
  });

  it('shows a token once, stores only its hash, and limits it to its installations and role', async () => {
    const created = await api.request('POST', '/api/tokens', { label: 'a owner', role: 'owner', installations: [ids.a] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ label: 'a owner', role: 'owner', installations: [ids.a], token: expect.any(String) });
    const token: string = created.body.token;
    const listed = await api.request('GET', '/api/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(listed.body.items.find((t: any) => t.id === created.body.id)).not.toHaveProperty('token');
    const rows = await api.gateway.store.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.find((r) => r.id === created.body.id)!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));

    const asOwner = (method: string, path: string, body?: unknown) => api.request(method, path, body, { authorization: `Bearer ${token}` });
    expect((await asOwner('GET', `/api/installations/${ids.a}/members`)).status).toBe(200);
    expect((await asOwner('GET', `/api/installations/${ids.b}`)).status).toBe(404);
    // An owner token may hand out tokens for its own installation, never admin ones.
    expect((await asOwner('POST', '/api/tokens', { label: 'helper', role: 'service', installations: [ids.a] })).status).toBe(201);
    const admin = await asOwner('POST', '/api/tokens', { label: 'root', role: 'admin' });
    expect(admin.status).toBe(400);
    expect(admin.body.details).toEqual([{ field: 'role', message: expect.any(String) }]);
    expect((await asOwner('GET', '/metrics')).status).toBe(401);

    expect((await api.request('DELETE', `/api/tokens/${created.body.id}`)).status).toBe(204);
    expect((await asOwner('GET', `/api/installations/${ids.a}`)).status).toBe(401);
  });

  it("shows a member only their own installations' memberships", async () => {
    const me = await session.request('GET', '/api/auth/me');
    expect(me.body.memberships).toEqual([{ installationId: ids.a, installationName: 'A', role: 'service' }]);
  });
});

// Installations and their chargers over real HTTP, on both database engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';

describe.each(engines)('installations and chargers (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    // The webhook URLs below point at loopback, which the gateway refuses by default.
    api = await startApi(engine, { outboundAllowList: ['127.0.0.0/8'] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('creates, lists, reads, renames and deletes an installation', async () => {
    const created = await api.request('POST', '/api/installations', { name: '  Depot North ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Depot North', authMode: 'native' });
    expect(created.headers.get('location')).toBe(`/api/installations/${created.body.id}`);
    const id = created.body.id;

    const listed = await api.request('GET', '/api/installations');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: any) => i.id)).toContain(id);

    expect((await api.request('GET', `/api/installations/${id}`)).body).toEqual(created.body);

    const renamed = await api.request('PATCH', `/api/installations/${id}`, { name: 'Depot South' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'Depot South' });

    expect((await api.request('DELETE', `/api/installations/${id}`)).status).toBe(204);
    expect((await api.request('GET', `/api/installations/${id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/api/installations/${id}`)).status).toBe(404);
  });

  it('names the field when a name is missing, empty, too long or unknown fields are sent', async () => {
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'Ok', authMode: 'magic' }, 'authMode'],
      [{ name: 'Ok', authentication: { sessionStartUrl: 'ftp://x/y' } }, 'authentication.sessionStartUrl'],
      [{ name: 'Ok', authentication: { authUrl: 'not a url' } }, 'authentication.authUrl'],
      [{ name: 'Ok', authentication: { timeoutMs: 20000 } }, 'authentication.timeoutMs'],
      [{ name: 'Ok', authentication: { offlineAllow: 'yes' } }, 'authentication.offlineAllow'],
      [{ name: 'Ok', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await api.request('POST', '/api/installations', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await api.request('POST', '/api/installations', { name: 'x'.repeat(200) })).status).toBe(201);
  });

  it('gives webhook authentication a 3000 ms deadline unless told otherwise, and refuses more than 10000 naming the field', async () => {
    const authentication = { mode: 'webhook', sessionStartUrl: 'http://127.0.0.1:9/sessions/start', authPayload: 'username=u&password=p' };
    const created = await api.request('POST', '/api/installations', { name: 'Webhook site', authentication });
    expect(created.status).toBe(201);
    expect((await api.request('GET', `/api/installations/${created.body.id}`)).body.authentication).toMatchObject({ mode: 'webhook', timeoutMs: 3000 });

    for (const [method, path] of [['POST', '/api/installations'], ['PATCH', `/api/installations/${created.body.id}`]] as const) {
      const tooLong = await api.request(method, path, { name: 'Slow site', authentication: { ...authentication, timeoutMs: 10_001 } });
      expect(tooLong.status, method).toBe(400);
      expect(tooLong.body.details.map((d: any) => d.field), method).toEqual(['authentication.timeoutMs']);
    }
    const atMost = await api.request('PATCH', `/api/installations/${created.body.id}`, { authentication: { timeoutMs: 10_000 } });
    expect(atMost.status).toBe(200);
    expect(atMost.body.authentication.timeoutMs).toBe(10_000);
  });

  it('refuses an empty PATCH and answers 404 for an unknown installation', async () => {
    const { body: inst } = await api.request('POST', '/api/installations', { name: 'Patch me' });
    const empty = await api.request('PATCH', `/api/installations/${inst.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.details).toEqual([{ field: '(body)', message: 'must contain at least one field' }]);

    const missing = 'f0e1d2c3-0000-4000-8000-000000000000';
    for (const [method, path, body] of [
      ['GET', `/api/installations/${missing}`],
      ['PATCH', `/api/installations/${missing}`, { name: 'x' }],
      ['DELETE', `/api/installations/${missing}`],
      ['GET', `/api/installations/${missing}/chargers`],
      ['POST', `/api/installations/${missing}/chargers`, { id: 'CP-X' }],
      ['GET', '/api/installations/%00bad'],
    ] as const) {
      const res = await api.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error).toBe('NOT_FOUND');
    }
  });

  it('registers chargers, refuses a duplicate id in any installation with 409 naming id, and removes one', async () => {
    const { body: a } = await api.request('POST', '/api/installations', { name: 'A' });
    const { body: b } = await api.request('POST', '/api/installations', { name: 'B' });

    const created = await api.request('POST', `/api/installations/${a.id}/chargers`, { id: 'CP-API-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'CP-API-1', installationId: a.id, online: false, lastSeen: null });

    for (const inst of [a, b]) {
      const dup = await api.request('POST', `/api/installations/${inst.id}/chargers`, { id: 'CP-API-1' });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({ error: 'CONFLICT', details: [{ field: 'id' }] });
    }

    const listed = await api.request('GET', `/api/installations/${a.id}/chargers`);
    expect(listed.body.items.map((c: any) => c.id)).toEqual(['CP-API-1']);
    expect((await api.request('GET', `/api/installations/${b.id}/chargers`)).body.items).toEqual([]);

    // Not B's charger, so B cannot remove it.
    expect((await api.request('DELETE', `/api/installations/${b.id}/chargers/CP-API-1`)).status).toBe(404);
    expect((await api.request('DELETE', `/api/installations/${a.id}/chargers/CP-API-1`)).status).toBe(204);
    expect((await api.request('GET', '/api/chargers/CP-API-1')).status).toBe(404);
  });

  it('names the id field for charger ids that cannot be used in the OCPP URL', async () => {
    const { body: inst } = await api.request('POST', '/api/installations', { name: 'Ids' });
    for (const id of ['', '.', '..', 'has space', 'a/b', 'x'.repeat(65), 'tab\there', 'émoji', 7]) {
      const res = await api.request('POST', `/api/installations/${inst.id}/chargers`, { id });
      expect(res.status, String(id)).toBe(400);
      expect(res.body.details[0].field).toBe('id');
    }
    expect((await api.request('POST', `/api/installations/${inst.id}/chargers`, { id: 'x'.repeat(64) })).status).toBe(201);
  });
});

// An installation's id tags over real HTTP, on both database engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';

describe.each(engines)('id tags (%s)', (engine) => {
  let api: TestApi;
  let tags: string;
  beforeAll(async () => {
    api = await startApi(engine);
    const { body } = await api.request('POST', '/api/installations', { name: 'Tags' });
    tags = `/api/installations/${body.id}/id-tags`;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('creates a tag (201), replaces it in another case (200) and deletes it case-insensitively', async () => {
    const created = await api.request('POST', tags, { idTag: 'abc123', expiryDate: '2030-06-01T12:00:00+02:00', parentIdTag: 'FLEET' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ idTag: 'abc123', status: 'Accepted', expiryDate: '2030-06-01T10:00:00.000Z', parentIdTag: 'FLEET' });
    expect(created.headers.get('location')).toBe(`${tags}/abc123`);

    const replaced = await api.request('POST', tags, { idTag: 'ABC123', status: 'Blocked' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ idTag: 'ABC123', status: 'Blocked', expiryDate: null, parentIdTag: null });
    expect(replaced.body.createdAt).toBe(created.body.createdAt);

    const listed = await api.request('GET', tags);
    expect(listed.body.items).toHaveLength(1);
    expect((await api.request('GET', `${tags}/AbC123`)).body.status).toBe('Blocked');

    expect((await api.request('DELETE', `${tags}/aBc123`)).status).toBe(204);
    const again = await api.request('DELETE', `${tags}/abc123`);
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('NOT_FOUND');
    expect((await api.request('GET', tags)).body.items).toEqual([]);
  });

  it('names the field for a bad idTag, status, expiryDate, parentIdTag or an unknown field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'idTag'],
      [{ idTag: '' }, 'idTag'],
      [{ idTag: 'x'.repeat(37) }, 'idTag'],
      [{ idTag: 'OK', type: 'DirectPayment' }, 'type'],
      [{ idTag: 'OK', status: 'Invalid' }, 'status'],
      [{ idTag: 'OK', status: 'accepted' }, 'status'],
      [{ idTag: 'OK', expiryDate: 'tomorrow' }, 'expiryDate'],
      [{ idTag: 'OK', expiryDate: '2030-01-01' }, 'expiryDate'],
      [{ idTag: 'OK', expiryDate: '2030-01-01T00:00:00' }, 'expiryDate'],
      [{ idTag: 'OK', parentIdTag: 'p'.repeat(21) }, 'parentIdTag'],
      [{ idTag: 'OK', owner: 'me' }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const res = await api.request('POST', tags, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: any) => d.field), JSON.stringify(body)).toContain(field);
    }
    // OCPP 2.0.1 idToken is 36 characters; a parent tag is also a 1.6 parentIdTag (20).
    expect((await api.request('POST', tags, { idTag: 'x'.repeat(36) })).status).toBe(201);
  });

  it('answers 404 for the tags of an unknown installation', async () => {
    const missing = '/api/installations/00000000-0000-4000-8000-000000000000/id-tags';
    expect((await api.request('GET', missing)).status).toBe(404);
    expect((await api.request('POST', missing, { idTag: 'A' })).status).toBe(404);
    expect((await api.request('DELETE', `${missing}/A`)).status).toBe(404);
  });
});

// The tokens receiver: an eMSP pushes its tokens (PUT, PATCH) and reads them back (GET); bad
// input gets OCPI status 2001 in the envelope, an unknown token 2004, another party's URL 404.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from '../api/gateway.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG, registerEmsp } from './helpers.js';

describe.each(engines)('OCPI tokens receiver (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  let tokens: string;

  beforeAll(async () => {
    api = await startApi(engine, OCPI_CONFIG);
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    await registerEmsp(api, emsp);
    tokens = emsp.cpoEndpoint('tokens');
  });
  afterAll(async () => {
    await emsp.close();
    await api.close();
  });

  const token = (uid: string, extra: Record<string, unknown> = {}) => ({
    country_code: 'NL',
    party_id: 'TNM',
    uid,
    type: 'RFID',
    contract_id: 'NL-TNM-C12345678-X',
    issuer: 'TheNewMotion',
    group_id: 'DF000-2001-8999',
    valid: true,
    whitelist: 'ALWAYS',
    last_updated: '2026-12-01T10:00:00Z',
    ...extra,
  });

  it('stores a pushed token with all it carries, and gives it back on GET (uid case-insensitive)', async () => {
    expect((await emsp.cpo('PUT', `${tokens}/NL/TNM/012345678`, token('012345678', { visual_number: 'DF000-2001-8999-1' }))).body.status_code).toBe(1000);
    const got = await emsp.cpo('GET', `${tokens}/nl/tnm/012345678?type=RFID`);
    expect(got.body).toMatchObject({ status_code: 1000, data: token('012345678', { visual_number: 'DF000-2001-8999-1' }) });
  });

  it('applies a PATCH over what is stored; a PATCH without last_updated is refused', async () => {
    expect((await emsp.cpo('PATCH', `${tokens}/NL/TNM/012345678`, { valid: false, last_updated: '2026-12-02T10:00:00Z' })).body.status_code).toBe(1000);
    expect((await emsp.cpo('GET', `${tokens}/NL/TNM/012345678`)).body.data).toMatchObject({ valid: false, whitelist: 'ALWAYS', last_updated: '2026-12-02T10:00:00Z' });
    const noStamp = await emsp.cpo('PATCH', `${tokens}/NL/TNM/012345678`, { valid: true });
    expect(noStamp).toMatchObject({ status: 400, body: { status_code: 2001, status_message: expect.stringContaining('last_updated') } });
  });

  it('answers 2001 naming the field for a token that is not OCPI, or whose identity differs from the URL', async () => {
    const bad = await emsp.cpo('PUT', `${tokens}/NL/TNM/ABC`, token('ABC', { whitelist: 'SOMETIMES', valid: 'yes' }));
    expect(bad).toMatchObject({ status: 400, body: { status_code: 2001, timestamp: expect.any(String) } });
    expect(bad.body.status_message).toMatch(/whitelist/);
    expect(bad.body.status_message).toMatch(/valid/);
    const other = await emsp.cpo('PUT', `${tokens}/NL/TNM/ABC`, token('XYZ'));
    expect(other.body).toMatchObject({ status_code: 2001, status_message: expect.stringContaining('uid') });
    const type = await emsp.cpo('PUT', `${tokens}/NL/TNM/ABC?type=APP_USER`, token('ABC'));
    expect(type.body).toMatchObject({ status_code: 2001, status_message: expect.stringContaining('type') });
    const notJson = await fetch(`${tokens}/NL/TNM/ABC`, { method: 'PUT', headers: { authorization: `Token ${Buffer.from(emsp.state.cpoToken!).toString('base64')}`, 'content-type': 'application/json' }, body: '{"uid":' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).status_code).toBe(2001);
  });

  it('answers 2004 for a token it does not know, and 404 for another party\'s URL', async () => {
    expect(await emsp.cpo('GET', `${tokens}/NL/TNM/NEVER-SEEN`)).toMatchObject({ status: 404, body: { status_code: 2004 } });
    expect(await emsp.cpo('PATCH', `${tokens}/NL/TNM/NEVER-SEEN`, { valid: false, last_updated: '2026-12-02T10:00:00Z' })).toMatchObject({ status: 404, body: { status_code: 2004 } });
    expect((await emsp.cpo('PUT', `${tokens}/DE/OTH/ABC`, token('ABC', { country_code: 'DE', party_id: 'OTH' }))).status).toBe(404);
  });
});

// What an eMSP can send wrong: every answer is the OCPI envelope with a status code, and the
// gateway goes on serving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from '../api/gateway.js';
import { OCPI_CONFIG } from './helpers.js';

const b64 = (t: string) => `Token ${Buffer.from(t).toString('base64')}`;

describe.each(engines)('bad OCPI input (%s)', (engine) => {
  let api: TestApi;
  let tokenA: string;
  const send = async (method: string, path: string, body?: string, token = tokenA) => {
    const res = await fetch(`${api.base}${path}`, { method, headers: { authorization: b64(token), 'content-type': 'application/json' }, body });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    api = await startApi(engine, OCPI_CONFIG);
    tokenA = (await api.request('POST', '/api/ocpi/partners', { countryCode: 'NL', partyId: 'BAD' })).body.tokenA;
  });
  afterAll(() => api.close());

  it('answers 2001 for credentials that are not JSON or not a Credentials object, naming the fields', async () => {
    expect(await send('POST', '/ocpi/2.2.1/credentials', '{"token":')).toMatchObject({ status: 400, body: { status_code: 2001 } });
    const bad = await send('POST', '/ocpi/2.2.1/credentials', JSON.stringify({ token: 'has spaces in it', url: 'ftp://x', roles: [] }));
    expect(bad).toMatchObject({ status: 400, body: { status_code: 2001, timestamp: expect.any(String) } });
    for (const field of ['token', 'url', 'roles']) expect(bad.body.status_message).toContain(field);
  });

  it('answers 3001 when it cannot read the eMSP\'s versions, and keeps token A valid for a retry', async () => {
    const credentials = { token: 'emsp-token-b', url: 'http://127.0.0.1:9/ocpi/versions', roles: [{ role: 'EMSP', country_code: 'NL', party_id: 'BAD', business_details: { name: 'Bad eMSP' } }] };
    const res = await send('POST', '/ocpi/2.2.1/credentials', JSON.stringify(credentials));
    expect(res).toMatchObject({ status: 200, body: { status_code: 3001, status_message: expect.stringMatching(/^versions: unreachable/) } });
    const partner = (await api.request('GET', '/api/ocpi/partners')).body.items[0];
    expect(partner).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/^versions/) });
    expect((await send('GET', '/ocpi/versions')).status).toBe(200);
  });

  it('answers unknown paths and methods with the envelope, and PUT/DELETE credentials before registering with 405', async () => {
    expect(await send('GET', '/ocpi/2.2.1/nothing-here')).toMatchObject({ status: 404, body: { status_code: 2000 } });
    expect(await send('PUT', '/ocpi/2.2.1/credentials', '{}')).toMatchObject({ status: 405, body: { status_code: 2000 } });
    expect(await send('DELETE', '/ocpi/2.2.1/credentials')).toMatchObject({ status: 405 });
    // Token A is for the handshake only.
    expect(await send('PUT', '/ocpi/2.2.1/tokens/NL/BAD/X', '{}')).toMatchObject({ status: 401, body: { status_code: 2000 } });
    expect((await fetch(`${api.base}/healthz`)).status).toBe(200);
  });
});

describe('a gateway without an OCPI party', () => {
  it('answers /ocpi with a 404 envelope, not the portal, and the partners API says OCPI is off', async () => {
    const api = await startApi('sqlite');
    try {
      const res = await fetch(`${api.base}/ocpi/versions`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ status_code: 2000, status_message: 'OCPI is not configured on this gateway' });
      expect((await api.request('GET', '/api/ocpi/partners')).body.error).toBe('OCPI_NOT_CONFIGURED');
    } finally {
      await api.close();
    }
  });
});

// The OCPI credentials handshake both ways against the mock eMSP, then what each side may do
// with the tokens it received: the gateway as Sender (from the eMSP's versions URL and token A)
// and as Receiver (the eMSP registers with a token A the API issued), update and unregister.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from '../api/gateway.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG } from './helpers.js';


const b64 = (t: string) => `Token ${Buffer.from(t).toString('base64')}`;

describe.each(engines)('OCPI credentials handshake (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  const ocpi = (method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${api.base}${path}`, {
      method,
      headers: { ...(token && { authorization: token }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  beforeAll(async () => {
    api = await startApi(engine, OCPI_CONFIG);
  });
  afterAll(async () => {
    await emsp?.close();
    await api.close();
  });

  it('registers with an eMSP from its versions URL and token A, and the eMSP can then push tokens', async () => {
    emsp = await startEmsp({ partyId: 'SND' });
    const tokenA = emsp.issueTokenA();
    const res = await api.request('POST', '/api/ocpi/partners', { versionsUrl: emsp.versionsUrl, tokenA, countryCode: 'NL', partyId: 'SND' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'registered', countryCode: 'NL', partyId: 'SND', lastError: null, version: null });
    expect(res.body.endpoints.map((e: any) => e.identifier)).toContain('tokens');
    expect(JSON.stringify(res.body)).not.toContain(tokenA);
    // The eMSP answered our POST with token C and holds our token B, which now opens our modules.
    expect(emsp.state.accepted.has(tokenA)).toBe(false);
    expect(emsp.state.cpoEndpoints.map((e) => e.identifier)).toEqual(['credentials', 'credentials', 'tokens', 'locations']);
    const push = await emsp.pushToken({ uid: 'SND-RFID-1' });
    expect(push.body.status_code).toBe(1000);
    const list = await api.request('GET', `/api/ocpi/partners/${res.body.id}/tokens`);
    expect(list.body.items).toMatchObject([{ uid: 'SND-RFID-1', whitelist: 'ALLOWED', valid: true }]);
    await emsp.close();
  });

  it('names the failed step when the eMSP refuses token A, and keeps the partner as failed', async () => {
    emsp = await startEmsp({ partyId: 'BAD' });
    const res = await api.request('POST', '/api/ocpi/partners', { versionsUrl: emsp.versionsUrl, tokenA: 'not-the-token', countryCode: 'NL', partyId: 'BAD' });
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('OCPI_HANDSHAKE_FAILED');
    expect(res.body.message).toMatch(/^versions: HTTP 401/);
    const listed = (await api.request('GET', '/api/ocpi/partners')).body.items.find((p: any) => p.partyId === 'BAD');
    expect(listed).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/^versions/) });
    await emsp.close();
  });

  it('lets an eMSP register with a token A issued through the API; token A then opens nothing', async () => {
    emsp = await startEmsp({ partyId: 'RCV' });
    const issued = await api.request('POST', '/api/ocpi/partners', { countryCode: 'NL', partyId: 'RCV' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ state: 'pending', ourVersionsUrl: `${api.base}/ocpi/versions` });
    const tokenA = issued.body.tokenA as string;
    // Token A opens versions and credentials only.
    expect((await ocpi('GET', '/ocpi/2.2.1/tokens/NL/RCV/X', b64(tokenA))).status).toBe(401);

    const answer = await emsp.registerWith(issued.body.ourVersionsUrl, tokenA);
    expect(answer.body).toMatchObject({ status_code: 1000, data: { url: `${api.base}/ocpi/versions`, roles: [{ role: 'CPO', country_code: 'DE', party_id: 'GWY', business_details: { name: 'Test Operator' } }] } });
    expect((await api.request('GET', `/api/ocpi/partners/${issued.body.id}`)).body).toMatchObject({ state: 'registered', versionsUrl: emsp.versionsUrl });
    expect((await ocpi('GET', '/ocpi/versions', b64(tokenA))).status).toBe(401);

    // Registered already: POST is 405; the token it got works, base64 as 2.2.1 says or plain as 2.1.1 peers send it.
    const again = await ocpi('POST', '/ocpi/2.2.1/credentials', b64(emsp.state.cpoToken!), { token: 'x', url: emsp.versionsUrl, roles: [] });
    expect(again.status).toBe(405);
    expect((await ocpi('GET', '/ocpi/2.2.1/credentials', `Token ${emsp.state.cpoToken}`)).body.status_code).toBe(1000);

    // One connection per party: a second one is refused until this one is unregistered.
    const twice = await api.request('POST', '/api/ocpi/partners', { countryCode: 'nl', partyId: 'rcv' });
    expect(twice).toMatchObject({ status: 409, body: { error: 'CONFLICT', details: { partnerId: issued.body.id } } });
  });

  it('updates credentials with new tokens both ways, then unregisters', async () => {
    const partner = (await api.request('GET', '/api/ocpi/partners')).body.items.find((p: any) => p.partyId === 'RCV');
    const before = emsp.state.cpoToken!;
    const updated = await api.request('PUT', `/api/ocpi/partners/${partner.id}/credentials`);
    expect(updated.status).toBe(200);
    expect(emsp.state.cpoToken).not.toBe(before);
    expect((await ocpi('GET', '/ocpi/versions', b64(before))).status).toBe(401);
    expect((await ocpi('GET', '/ocpi/versions', b64(emsp.state.cpoToken!))).status).toBe(200);

    const gone = await api.request('DELETE', `/api/ocpi/partners/${partner.id}`);
    expect(gone.body).toMatchObject({ state: 'unregistered', lastError: null });
    expect(emsp.state.accepted.size).toBe(0);
    expect((await ocpi('GET', '/ocpi/versions', b64(emsp.state.cpoToken ?? 'none'))).status).toBe(401);
  });

  it('answers an unknown credentials token with 401 in the OCPI envelope', async () => {
    const res = await ocpi('GET', '/ocpi/versions', b64('who-am-i'));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status_code: 2000, timestamp: expect.any(String) });
    expect((await ocpi('GET', '/ocpi/versions')).status).toBe(401);
  });

  it('refuses a partner body naming no way to connect, naming the field', async () => {
    const res = await api.request('POST', '/api/ocpi/partners', { countryCode: 'NLD', partyId: 'X', tokenA: 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: any) => d.field).sort()).toEqual(['countryCode', 'partyId', 'tokenA']);
  });
});

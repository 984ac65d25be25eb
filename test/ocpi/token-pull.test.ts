// Pulling an eMSP's token list (its tokens Sender, OCPI 2.2.1 §12.2.1.1): every page followed by
// its Link, each token kept as a push would be, bad ones skipped and named, and our credentials
// token never sent to an origin the eMSP did not register.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { engines } from '../helpers/databases.js';
import { eventually, startApi, type TestApi } from '../api/gateway.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG, registerEmsp } from './helpers.js';

describe.each(engines)('pulling an eMSP token list (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  let partnerId: string;
  const tokenGets = () => emsp.received.filter((r) => r.method === 'GET' && r.path.startsWith('/ocpi/emsp/2.2.1/tokens'));

  beforeAll(async () => {
    api = await startApi(engine, OCPI_CONFIG);
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    emsp.state.pageSize = 2;
    emsp.offerTokens([1, 2, 3, 4, 5].map((n) => emsp.token({ uid: `PULLED-${n}`, whitelist: n === 1 ? 'ALWAYS' : 'ALLOWED' })));
    partnerId = await registerEmsp(api, emsp);
  });
  afterAll(async () => {
    await emsp.close();
    await api.close();
  });

  const stored = async () => (await api.request('GET', `/api/ocpi/partners/${partnerId}/tokens`)).body.items.map((t: { uid: string }) => t.uid).sort();

  it('pulls the whole list once the eMSP registers, page by page', async () => {
    await eventually(async () => (await stored()).length === 5);
    expect(await stored()).toEqual(['PULLED-1', 'PULLED-2', 'PULLED-3', 'PULLED-4', 'PULLED-5']);
    // Five tokens, two to a page: three pages, each asked once.
    expect(tokenGets()).toHaveLength(3);
  });

  it('lets a pulled ALWAYS token charge from what is stored, without asking the eMSP', async () => {
    const site = (await api.request('POST', '/api/installations', { name: 'Pulled' })).body.id;
    await api.request('PUT', `/api/installations/${site}/authorization-sources`, { sources: ['ocpi'] });
    await api.request('POST', `/api/installations/${site}/chargers`, { id: 'PULL-CP' });
    const charger = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id: 'PULL-CP', callTimeoutMs: 5_000 });
    await charger.connect();
    try {
      await charger.boot();
      expect((await charger.authorize('PULLED-1')).status).toBe('Accepted');
      expect(emsp.state.authorizeCalls.filter((c) => c.uid === 'PULLED-1')).toHaveLength(0);
    } finally {
      await charger.close();
    }
  });

  it('takes changes on a pull through the API, skipping and naming tokens it cannot keep', async () => {
    emsp.offerTokens([
      emsp.token({ uid: 'PULLED-1', valid: false }),
      emsp.token({ uid: 'OTHER-PARTY', country_code: 'BE', party_id: 'XYZ' }),
      { uid: 'BROKEN', whitelist: 'SOMETIMES' },
    ]);
    const before = tokenGets().length;
    const r = await api.request('POST', `/api/ocpi/partners/${partnerId}/tokens/pull`, { since: '2026-01-01T00:00:00Z' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pages: 2, stored: 1, skipped: 2 });
    expect(r.body.problems.join(' ')).toMatch(/BE\/XYZ OTHER-PARTY: not a party of this connection/);
    expect(r.body.problems.join(' ')).toMatch(/whitelist/);
    // Every page of it asked for what changed since then.
    const pulled = tokenGets().slice(before);
    expect(pulled).toHaveLength(2);
    for (const get of pulled) expect(get.path).toContain('date_from=2026-01-01T00%3A00%3A00Z');
    const one = (await api.request('GET', `/api/ocpi/partners/${partnerId}/tokens`)).body.items.find((t: { uid: string }) => t.uid === 'PULLED-1');
    expect(one.valid).toBe(false);
    expect(await stored()).not.toContain('OTHER-PARTY');
  });

  it('does not follow a Link to another origin, and says so', async () => {
    const elsewhere: string[] = [];
    const trap = createServer((req, res) => {
      elsewhere.push(String(req.headers.authorization));
      res.end('{}');
    });
    await new Promise<void>((done) => trap.listen(0, '127.0.0.1', done));
    try {
      emsp.offerTokens([1, 2, 3].map((n) => emsp.token({ uid: `FAR-${n}` })));
      emsp.state.linkOrigin = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
      const r = await api.request('POST', `/api/ocpi/partners/${partnerId}/tokens/pull`, {});
      expect(r).toMatchObject({ status: 502, body: { error: 'OCPI_PULL_FAILED', message: expect.stringMatching(/another origin/) } });
      expect(elsewhere).toEqual([]);
    } finally {
      emsp.state.linkOrigin = undefined;
      trap.close();
    }
  });

  it('names a bad since, and refuses a partner that is not registered', async () => {
    const bad = await api.request('POST', `/api/ocpi/partners/${partnerId}/tokens/pull`, { since: 'yesterday' });
    expect(bad).toMatchObject({ status: 400, body: { details: [{ field: 'since' }] } });
    const pending = (await api.request('POST', '/api/ocpi/partners', { countryCode: 'FR', partyId: 'PEN' })).body.id;
    expect((await api.request('POST', `/api/ocpi/partners/${pending}/tokens/pull`, {})).status).toBe(409);
  });
});

// A roaming partner's Session and CDR wait in the durable outbox while the eMSP refuses them,
// survive a SIGKILL of the gateway, and reach the eMSP once after the restart.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';
import { outboxTestEnv, processApi, spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';

const TOKEN = 'ocpi-restart-admin-token';

describe.each(['sqlite', 'postgres'] as const)('an OCPI Session across a gateway crash on %s', (engine) => {
  let db: TestDatabase;
  let emsp: MockEmsp;
  let gw: GatewayProcess | undefined;
  let env: Record<string, string>;

  freshDatabaseForSuite(engine, { stores: 0 }, ({ tdb }) => {
    db = tdb;
  });
  beforeAll(async () => {
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    env = outboxTestEnv(db, TOKEN, { OCPI_COUNTRY_CODE: 'DE', OCPI_PARTY_ID: 'GWY', OCPI_BUSINESS_NAME: 'Restart Operator' });
  });
  afterAll(async () => {
    await gw?.kill();
    await emsp?.close();
  });

  const api = processApi(() => gw, TOKEN);
  const sessionPuts = () => emsp.received.filter((r) => r.method === 'PUT' && r.path.includes('/2.2.1/sessions/'));
  const cdrPosts = () => emsp.received.filter((r) => r.method === 'POST' && r.path.endsWith('/2.2.1/cdrs'));

  it('is delivered once, Session and CDR, after SIGKILL and restart', { timeout: 60_000 }, async () => {
    gw = await spawnGateway(env);
    const issued = await api('POST', '/api/ocpi/partners', { countryCode: 'NL', partyId: 'TNM' });
    expect((await emsp.registerWith(issued.body.ourVersionsUrl, issued.body.tokenA)).body.status_code).toBe(1000);
    const inst = await api('POST', '/api/installations', { name: 'roaming restart' });
    await api('PUT', `/api/installations/${inst.body.id}/authorization-sources`, { sources: ['ocpi'] });
    const where = { address: 'Kade 1', city: 'Utrecht', country: 'NLD', latitude: '52.09073', longitude: '5.12142', timeZone: 'Europe/Amsterdam' };
    expect((await api('PUT', `/api/installations/${inst.body.id}/location`, { location: where })).status).toBe(200);
    await api('POST', `/api/installations/${inst.body.id}/chargers`, { id: 'OR-1' });
    emsp.answer('ROAM-RESTART', 'ALLOWED');
    emsp.state.sessionFailures = 1_000_000;
    emsp.state.cdrFailures = 1_000_000;

    const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'OR-1', callTimeoutMs: 5000 });
    await c.connect();
    const { transactionId, idTagInfo } = await c.startTransaction({ connectorId: 1, idTag: 'ROAM-RESTART', meterStart: 0 });
    expect(idTagInfo.status).toBe('Accepted');
    await c.stopTransaction({ transactionId, meterStop: 4200 });
    await expect.poll(() => sessionPuts().length).toBeGreaterThan(0);
    await expect.poll(() => cdrPosts().length).toBeGreaterThan(0);
    await gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    expect(emsp.state.sessions.size).toBe(0);

    expect(emsp.state.cdrs.size).toBe(0);
    emsp.state.sessionFailures = 0;
    emsp.state.cdrFailures = 0;
    gw = await spawnGateway(env);
    await expect.poll(() => emsp.state.sessions.get(`DE/GWY/${transactionId}`)?.status, { timeout: 10_000 }).toBe('COMPLETED');
    expect(emsp.state.sessions.get(`DE/GWY/${transactionId}`)).toMatchObject({ id: String(transactionId), kwh: 4.2, cdr_token: { uid: 'ROAM-RESTART' } });
    // Each taken once, in order: no PUT after the COMPLETED one the eMSP answered 1000.
    await new Promise((r) => setTimeout(r, 500));
    expect(emsp.state.sessionLog.map((l) => l.status)).toEqual(['ACTIVE', 'COMPLETED']);
    expect(sessionPuts().filter((r) => r.status === 200)).toHaveLength(2);
    await expect.poll(() => emsp.state.cdrs.get(String(transactionId))?.total_energy, { timeout: 10_000 }).toBe(4.2);
    await new Promise((r) => setTimeout(r, 300));
    expect(cdrPosts().filter((r) => r.status === 200)).toHaveLength(1);
    expect(emsp.state.cdrRepeats).toBe(0);
  });
});

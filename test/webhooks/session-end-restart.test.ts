import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { basicPayload, PROVIDER_PASSWORD, PROVIDER_USER } from '../helpers/webhooks.js';
import { startProvider, type Provider } from '../../simulators/provider/index.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const TOKEN = 'restart-test-admin-token';

describe.each(['sqlite', 'postgres'] as const)('a pending session end across a gateway crash on %s', (engine) => {
  let db: TestDatabase;
  let provider: Provider;
  let gw: GatewayProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase(engine);
    provider = await startProvider({ users: { [PROVIDER_USER]: PROVIDER_PASSWORD }, rules: { defaultAllowed: true } });
    env = {
      DATA_DIR: db.dataDir,
      ADMIN_TOKEN: TOKEN,
      OUTBOX_RETRY_BASE_MS: '100',
      OUTBOX_RETRY_MAX_MS: '300',
      OUTBOX_POLL_MS: '100',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    };
  });
  afterAll(async () => {
    await gw?.kill();
    await provider?.close();
    await db?.drop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${gw!.httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it('is delivered exactly once after SIGKILL and restart', { timeout: 60_000 }, async () => {
    gw = await spawnGateway(env);
    const inst = await api('POST', '/api/installations', {
      name: 'restart',
      authentication: { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: provider.startUrl, sessionEndUrl: provider.endUrl },
    });
    await api('POST', `/api/installations/${inst.body.id}/chargers`, { id: 'RS-1' });
    let c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'RS-1', callTimeoutMs: 5000 });
    await c.connect();
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'RESTART', meterStart: 0 });
    provider.injectFault({ path: 'end', fault: { mode: 'status', status: 503 } });
    await c.stopTransaction({ transactionId, meterStop: 777 });
    await expect.poll(() => provider.counts().end).toBeGreaterThan(0);
    await gw.kill('SIGKILL');
    await c.close().catch(() => undefined);
    expect(provider.received.ends).toHaveLength(0);

    provider.clearFaults();
    gw = await spawnGateway(env);
    await expect.poll(() => provider.received.ends.length, { timeout: 10_000 }).toBe(1);
    expect(provider.received.ends[0].body).toMatchObject({ transactionId, meterStop: 777, energyWh: 777 });
    // A stop re-sent by the charger after the restart does not produce a second call.
    c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'RS-1', callTimeoutMs: 5000 });
    await c.connect();
    await c.stopTransaction({ transactionId, meterStop: 777 });
    await c.close();
    const tx = await api('GET', `/api/transactions/${transactionId}`);
    expect(tx.body.sessionEnd).toMatchObject({ status: 'delivered' });
    expect(provider.received.ends).toHaveLength(1);
  });
});

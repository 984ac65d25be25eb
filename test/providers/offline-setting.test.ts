import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { rawLine } from '../helpers/gateway.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

/** "Allow charging when offline" reaches the chargers as ChangeConfiguration, on boot and on change. */
describe('the offline setting on chargers', () => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup();
  });
  afterAll(() => w?.stop());

  const configCalls = (c: SimCharger) =>
    c.receivedCalls.filter((x) => x.action === 'ChangeConfiguration').map((x) => [x.payload.key, x.payload.value]);

  it('is pushed on boot and again when it changes, and what the charger answered is visible', async () => {
    const id = await w.installation(['OFF-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, offlineAllow: true });
    const c = w.t.charger('OFF-1');
    await c.connect();
    await c.boot();
    await expect.poll(() => configCalls(c)).toEqual([
      ['LocalAuthorizeOffline', 'true'],
      ['AllowOfflineTxForUnknownId', 'true'],
    ]);
    await expect.poll(async () => (await w.t.api('GET', '/api/chargers/OFF-1')).body.offlineConfig?.applied).toBe(true);

    c.onCall('ChangeConfiguration', (p) => ({ status: p.key === 'AllowOfflineTxForUnknownId' ? 'NotSupported' : 'Accepted' }));
    const patched = await w.t.api('PATCH', `/api/installations/${id}`, { authentication: { offlineAllow: false } });
    expect(patched.status).toBe(200);
    await expect.poll(() => configCalls(c).slice(2)).toEqual([
      ['LocalAuthorizeOffline', 'false'],
      ['AllowOfflineTxForUnknownId', 'false'],
    ]);
    await expect.poll(async () => (await w.t.api('GET', '/api/chargers/OFF-1')).body.offlineConfig).toMatchObject({
      offlineAllow: false,
      applied: false,
      results: { LocalAuthorizeOffline: 'Accepted', AllowOfflineTxForUnknownId: 'NotSupported' },
    });
  });

  it('is false on chargers of native installations', async () => {
    await w.installation(['OFF-2'], { mode: 'native' });
    const c = w.t.charger('OFF-2');
    await c.connect();
    await c.boot();
    await expect.poll(() => configCalls(c)).toEqual([
      ['LocalAuthorizeOffline', 'false'],
      ['AllowOfflineTxForUnknownId', 'false'],
    ]);
  });

  it('logs a charger that did not apply it once, with its id once per line, on boot and on change', async () => {
    const id = await w.installation(['OFF-3'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, offlineAllow: true });
    const c = w.t.charger('OFF-3');
    c.onCall('ChangeConfiguration', () => ({ status: 'NotSupported' }));
    await c.connect();
    await c.boot();
    const warnings = () => w.t.logs.filter((l) => l.chargerId === 'OFF-3' && /did not apply the offline setting/.test(l.msg));
    await expect.poll(() => warnings().length).toBe(1);
    expect((await w.t.api('PATCH', `/api/installations/${id}`, { authentication: { offlineAllow: false } })).status).toBe(200);
    await expect.poll(() => warnings().length).toBe(2);
    for (const line of w.t.logs.filter((l) => l.chargerId === 'OFF-3')) expect(rawLine(line).match(/"chargerId":/g)).toHaveLength(1);
  });
});

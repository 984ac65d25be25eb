import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import type { OcppVersion } from '../../simulators/charger/versions.js';

// The same flows, whichever version a charger speaks: chargers of every version in one
// installation, run through the simulator's own session (StartTransaction and friends, or
// TransactionEvents), in native and in webhook mode.
const VERSIONS: OcppVersion[] = ['1.6', '2.0.1', '2.1'];
const PROTOCOL: Record<OcppVersion, string> = { '1.6': 'ocpp1.6', '2.0.1': 'ocpp2.0.1', '2.1': 'ocpp2.1' };
const SAMPLES = 3;
const WH_PER_SAMPLE = 250;

const chargerOf = (prefix: string, v: OcppVersion) => `${prefix}-${v.replaceAll('.', '')}`;

describe.each(engines)('chargers of every version side by side on %s', (engine) => {
  let w: ProviderSetup;
  const native = new Map<OcppVersion, SimCharger>();
  const webhook = new Map<OcppVersion, SimCharger>();

  beforeAll(async () => {
    w = await startProviderSetup(engine, {}, {
      rules: { allow: ['WH-CARD-16', 'WH-CARD-201', 'WH-CARD-21'], deny: [{ idTag: 'WH-BLOCKED', status: 'Blocked' }] },
    });
    const nativeId = await w.installation(VERSIONS.map((v) => chargerOf('SBS-N', v)), { mode: 'native' });
    for (const [idTag, status] of [['CARD-16', 'Accepted'], ['CARD-201', 'Accepted'], ['CARD-21', 'Accepted'], ['GONE', 'Blocked'], ['OLD', 'Expired']]) {
      const expiryDate = status === 'Expired' ? '2020-01-01T00:00:00.000Z' : undefined;
      const r = await w.t.api('POST', `/api/installations/${nativeId}/id-tags`, { idTag, status: status === 'Expired' ? 'Accepted' : status, expiryDate });
      expect(r.status).toBe(201);
    }
    await w.installation(VERSIONS.map((v) => chargerOf('SBS-W', v)), {
      mode: 'webhook',
      authPayload: basicPayload,
      sessionStartUrl: w.provider.startUrl,
      sessionEndUrl: w.provider.endUrl,
    });
    for (const v of VERSIONS) {
      native.set(v, w.t.charger(chargerOf('SBS-N', v), { protocol: PROTOCOL[v] }));
      webhook.set(v, w.t.charger(chargerOf('SBS-W', v), { protocol: PROTOCOL[v] }));
    }
    await Promise.all([...native.values(), ...webhook.values()].map(async (c) => {
      await c.connect();
      await c.boot();
    }));
  });
  afterAll(() => w?.stop());

  const cardOf = (prefix: string, v: OcppVersion) => `${prefix}${v === '1.6' ? '16' : v === '2.0.1' ? '201' : '21'}`;
  const session = (c: SimCharger, idTag: string) => c.runSession({ idTag, meterIntervalMs: 20, meterSamples: SAMPLES, whPerSample: WH_PER_SAMPLE });

  async function storedSession(chargerId: string) {
    const list = await w.t.api('GET', `/api/transactions?chargerId=${chargerId}`);
    expect(list.status).toBe(200);
    return list.body.items as any[];
  }

  it('runs sessions on every version at once in native mode, each stored with its version and energy', async () => {
    const results = await Promise.all(VERSIONS.map((v) => session(native.get(v)!, cardOf('CARD-', v))));
    for (const [i, v] of VERSIONS.entries()) {
      expect(results[i]).toMatchObject({ authorizeStatus: 'Accepted', startStatus: 'Accepted' });
      const [tx] = await storedSession(chargerOf('SBS-N', v));
      expect(tx).toMatchObject({ ocppVersion: v, idTag: cardOf('CARD-', v), active: false, energyWh: SAMPLES * WH_PER_SAMPLE });
      expect(tx.authorization).toMatchObject({ status: 'Accepted', source: 'native' });
    }
  });

  it.each(VERSIONS)('refuses a blocked and an expired native tag on a %s charger, and starts nothing', async (v) => {
    const c = native.get(v)!;
    const before = (await storedSession(chargerOf('SBS-N', v))).length;
    expect(await session(c, 'GONE')).toEqual({ authorizeStatus: 'Blocked' });
    expect(await session(c, 'OLD')).toEqual({ authorizeStatus: 'Expired' });
    expect((await storedSession(chargerOf('SBS-N', v))).length).toBe(before);
  });

  it('runs sessions on every version at once in webhook mode: the provider decides each start and gets each end once', async () => {
    const results = await Promise.all(VERSIONS.map((v) => session(webhook.get(v)!, cardOf('WH-CARD-', v))));
    for (const [i, v] of VERSIONS.entries()) {
      const chargerId = chargerOf('SBS-W', v);
      expect(results[i]).toMatchObject({ authorizeStatus: 'Accepted', startStatus: 'Accepted' });
      const [tx] = await storedSession(chargerId);
      expect(tx).toMatchObject({ ocppVersion: v, active: false, energyWh: SAMPLES * WH_PER_SAMPLE });
      // Start follows the Authorize the provider answered, from the decision cache.
      expect(tx.authorization).toMatchObject({ status: 'Accepted', source: 'cache' });
      await expect.poll(() => w.provider.received.ends.filter((e) => e.body.transactionId === tx.id).length).toBe(1);
      const end = w.provider.received.ends.find((e) => e.body.transactionId === tx.id)!.body;
      expect(end).toMatchObject({ type: 'session.end', chargerId, idTag: cardOf('WH-CARD-', v), energyWh: SAMPLES * WH_PER_SAMPLE });
      expect(w.provider.received.starts.some((s) => s.body.chargerId === chargerId && s.body.idTag === cardOf('WH-CARD-', v))).toBe(true);
    }
  });

  it.each(VERSIONS)('passes the provider\'s refusal on to a %s charger, which starts nothing', async (v) => {
    expect(await session(webhook.get(v)!, 'WH-BLOCKED')).toEqual({ authorizeStatus: 'Blocked' });
  });
});

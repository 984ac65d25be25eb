import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../../helpers/provider.js';
import { CallError, type SimCharger } from '../../../simulators/charger/charger.js';

const BOOT = { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } };
const VARIABLES = ['AuthCtrlr.LocalAuthorizeOffline', 'AuthCtrlr.OfflineTxForUnknownIdEnabled', 'AuthCacheCtrlr.Enabled'];

/** Answers SetVariables with one status per variable, as a 2.0.1 charger does. */
function answerSetVariables(c: SimCharger, statusOf: (name: string) => string) {
  c.onCall('SetVariables', (p: { setVariableData: { component: { name: string }; variable: { name: string } }[] }) => ({
    setVariableResult: p.setVariableData.map((d) => ({
      attributeStatus: statusOf(`${d.component.name}.${d.variable.name}`),
      component: d.component,
      variable: d.variable,
    })),
  }));
}

/** "Allow charging when offline" reaches 2.0.1 chargers as SetVariables, on boot and on change. */
describe('the offline setting on 2.0.1 chargers', () => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup();
  });
  afterAll(() => w?.stop());

  const pushes = (c: SimCharger) =>
    c.receivedCalls.filter((x) => x.action === 'SetVariables').map((x) => x.payload.setVariableData.map((d: any) => [`${d.component.name}.${d.variable.name}`, d.attributeValue]));
  const offlineConfig = async (id: string) => (await w.t.api('GET', `/api/chargers/${id}`)).body.offlineConfig;

  it('is pushed after boot and shown as applied when every variable is Accepted or RebootRequired', async () => {
    await w.installation(['OFF2-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, offlineAllow: true });
    const c = w.t.charger('OFF2-1', { protocol: 'ocpp2.0.1' });
    answerSetVariables(c, (name) => (name === 'AuthCacheCtrlr.Enabled' ? 'RebootRequired' : 'Accepted'));
    await c.connect();
    await c.call('BootNotification', BOOT);
    await expect.poll(() => pushes(c)).toEqual([VARIABLES.map((v) => [v, 'true'])]);
    await expect.poll(() => offlineConfig('OFF2-1')).toMatchObject({
      offlineAllow: true,
      applied: true,
      results: { 'AuthCtrlr.LocalAuthorizeOffline': 'Accepted', 'AuthCtrlr.OfflineTxForUnknownIdEnabled': 'Accepted', 'AuthCacheCtrlr.Enabled': 'RebootRequired' },
    });
  });

  it.each(['UnknownComponent', 'UnknownVariable', 'NotSupportedAttributeType', 'Rejected'])('is shown as not applied when a variable is %s, also on change', async (status) => {
    const chargerId = `OFF2-${status}`;
    const id = await w.installation([chargerId], { mode: 'native' });
    const c = w.t.charger(chargerId, { protocol: 'ocpp2.1' });
    answerSetVariables(c, (name) => (name === 'AuthCacheCtrlr.Enabled' ? status : 'Accepted'));
    await c.connect();
    await c.call('BootNotification', BOOT);
    await expect.poll(() => offlineConfig(chargerId)).toMatchObject({ offlineAllow: false, applied: false, results: { 'AuthCacheCtrlr.Enabled': status } });
    expect(pushes(c)).toEqual([VARIABLES.map((v) => [v, 'false'])]);

    answerSetVariables(c, () => 'Accepted');
    const patched = await w.t.api('PATCH', `/api/installations/${id}`, { authentication: { offlineAllow: true } });
    expect(patched.status).toBe(200);
    await expect.poll(() => offlineConfig(chargerId)).toMatchObject({ offlineAllow: true, applied: true });
  });

  it('is shown as not applied when the charger answers SetVariables with a CALLERROR', async () => {
    await w.installation(['OFF2-ERR'], { mode: 'native' });
    const c = w.t.charger('OFF2-ERR', { protocol: 'ocpp2.0.1' });
    c.onCall('SetVariables', () => {
      throw new CallError('NotImplemented', 'SetVariables is not implemented here');
    });
    await c.connect();
    await c.call('BootNotification', BOOT);
    await expect.poll(async () => (await offlineConfig('OFF2-ERR'))?.applied).toBe(false);
    const { results } = await offlineConfig('OFF2-ERR');
    expect(Object.keys(results)).toEqual(VARIABLES);
    expect(Object.values(results).every((s) => /^Error: /.test(String(s)))).toBe(true);
  });
});

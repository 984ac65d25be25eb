// The offline setting over a charger's life: written once, checked at later boots, written again
// where a charger lost it, and caught up on a reconnect after a change made while it was away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

interface VersionTerms {
  protocol: 'ocpp1.6' | 'ocpp2.0.1';
  read: string;
  /** [name, value] of every value the gateway wrote, in order. */
  writes(c: SimCharger): [string, string][];
  /** Makes the charger hold `value` for `name`, as a reset to factory values would. */
  hold(c: SimCharger, name: string, value: string): void;
  names: string[];
}

const V16: VersionTerms = {
  protocol: 'ocpp1.6',
  read: 'GetConfiguration',
  writes: (c) => c.receivedCalls.filter((x) => x.action === 'ChangeConfiguration').map((x) => [x.payload.key, x.payload.value]),
  hold: (c, name, value) => c.configuration.set(name, value),
  names: ['LocalAuthorizeOffline', 'AllowOfflineTxForUnknownId'],
};

const V201: VersionTerms = {
  protocol: 'ocpp2.0.1',
  read: 'GetVariables',
  writes: (c) =>
    c.receivedCalls
      .filter((x) => x.action === 'SetVariables')
      .flatMap((x) => x.payload.setVariableData.map((d: any) => [`${d.component.name}.${d.variable.name}`, d.attributeValue])),
  hold: (c, name, value) => {
    const [component, variable] = name.split('.');
    c.deviceModel.set({ component: { name: component }, variable: { name: variable }, attributeValue: value });
  },
  names: ['AuthCtrlr.LocalAuthorizeOffline', 'AuthCtrlr.OfflineTxForUnknownIdEnabled', 'AuthCacheCtrlr.Enabled'],
};

describe.each([V16, V201])('the offline setting over a charger’s life, $protocol', (v) => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup();
  });
  afterAll(() => w?.stop());

  const reads = (c: SimCharger) => c.receivedCalls.filter((x) => x.action === v.read).length;
  const offlineConfig = async (id: string) => (await w.t.api('GET', `/api/chargers/${id}`)).body.offlineConfig;
  const webhook = (offlineAllow: boolean) => ({ mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, offlineAllow });
  const reboot = async (c: SimCharger) => {
    await c.close();
    await c.connect();
    await c.boot();
  };
  // Long enough for a write that would follow the read's answer to arrive.
  const settle = () => new Promise((r) => setTimeout(r, 300));
  /** Charger `id` of an installation that allows charging offline, booted once. */
  const booted = async (id: string) => {
    const installationId = await w.installation([id], webhook(true));
    const c = w.t.charger(id, { protocol: v.protocol });
    await c.connect();
    await c.boot();
    return { c, installationId };
  };

  it('is written at the first boot, then only read at later boots while the charger keeps it', async () => {
    const id = `LIFE-KEEP-${v.protocol}`;
    const { c } = await booted(id);
    await expect.poll(() => v.writes(c)).toEqual(v.names.map((n) => [n, 'true']));
    expect(reads(c)).toBe(0);
    await expect.poll(async () => (await offlineConfig(id))?.applied).toBe(true);

    await reboot(c);
    await expect.poll(() => reads(c)).toBe(1);
    await settle();
    expect(v.writes(c)).toHaveLength(v.names.length);
    expect(await offlineConfig(id)).toMatchObject({ offlineAllow: true, applied: true });
  });

  it('is written again, only where the charger lost it, at the boot after a reset', async () => {
    const id = `LIFE-RESET-${v.protocol}`;
    const { c } = await booted(id);
    await expect.poll(async () => (await offlineConfig(id))?.applied).toBe(true);

    const lost = v.names[1];
    v.hold(c, lost, 'false');
    await reboot(c);
    await expect.poll(() => v.writes(c).slice(v.names.length)).toEqual([[lost, 'true']]);
    await expect.poll(async () => (await offlineConfig(id))?.results).toEqual(
      Object.fromEntries(v.names.map((n) => [n, n === lost ? 'Accepted' : 'Unchanged'])),
    );
    expect((await offlineConfig(id)).applied).toBe(true);
  });

  it('reaches a charger that was away when it changed as soon as it reconnects, without a boot', async () => {
    const id = `LIFE-AWAY-${v.protocol}`;
    const { c, installationId } = await booted(id);
    await expect.poll(async () => (await offlineConfig(id))?.applied).toBe(true);

    await c.close();
    expect((await w.t.api('PATCH', `/api/installations/${installationId}`, { authentication: { offlineAllow: false } })).status).toBe(200);
    await c.connect();
    await expect.poll(() => v.writes(c).slice(v.names.length)).toEqual(v.names.map((n) => [n, 'false']));
    await expect.poll(() => offlineConfig(id)).toMatchObject({ offlineAllow: false, applied: true });

    // Reconnecting again with nothing changed sends nothing.
    await c.close();
    await c.connect();
    await c.heartbeat();
    await settle();
    expect(v.writes(c)).toHaveLength(2 * v.names.length);
    expect(reads(c)).toBe(0);
  });
});

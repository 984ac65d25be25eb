import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

/**
 * The CALLs the gateway handles are answered by src/ocpp/fastCalls.ts, not by ocpp-rpc's call
 * path; what the fast path declines goes to ocpp-rpc. The charger must not be able to tell:
 * these compare the frames it gets, and fail if a library update silently sends every call
 * down the slow path again (ocpp-rpc emits 'call' for each CALL it handles itself).
 */
describe('CALLs answered without ocpp-rpc per-call machinery', () => {
  let t: TestGateway;
  let c: SimCharger;
  let slowPath: string[];
  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    await t.installation(['FAST-1'], [{ idTag: 'KNOWN' }]);
    c = t.charger('FAST-1');
    await c.connect();
    slowPath = [];
    t.gw.ocpp.registry.get('FAST-1')!.on('call', ({ payload }: { payload: unknown[] }) => slowPath.push(String(payload[1])));
  });
  afterAll(() => t?.stop());

  async function exchange(raw: string, id: string): Promise<unknown[]> {
    const reply = c.waitForFrame((f) => Array.isArray(f) && f[1] === id && (f[0] === 3 || f[0] === 4), 3000);
    c.sendRaw(raw);
    return reply;
  }

  it('answers well-formed calls from the handlers, in the shapes the schemas give', async () => {
    expect(await exchange('[2,"f-known","Authorize",{"idTag":"KNOWN"}]', 'f-known')).toEqual([3, 'f-known', { idTagInfo: { status: 'Accepted' } }]);
    expect(await exchange('[2,"f-unknown","Authorize",{"idTag":"NOBODY"}]', 'f-unknown')).toEqual([3, 'f-unknown', { idTagInfo: { status: 'Invalid' } }]);
    const hb = await exchange('[2,"f-hb","Heartbeat",{}]', 'f-hb');
    expect(hb[0]).toBe(3);
    expect(Date.parse((hb[2] as { currentTime: string }).currentTime)).not.toBeNaN();
    expect(slowPath).toEqual([]);
  });

  it('leaves a call that fails its schema to ocpp-rpc, which answers it with the violation', async () => {
    const frame = await exchange('[2,"f-extra","Authorize",{"idTag":"KNOWN","colour":"red"}]', 'f-extra');
    expect(frame.slice(0, 3)).toEqual([4, 'f-extra', 'PropertyConstraintViolation']);
    expect(slowPath).toEqual(['f-extra']);
    expect(await exchange('[2,"f-after","Authorize",{"idTag":"KNOWN"}]', 'f-after')).toEqual([3, 'f-after', { idTagInfo: { status: 'Accepted' } }]);
    expect(slowPath).toEqual(['f-extra']);
  });

  it('answers a handler that fails with InternalError, and serves the next call', async () => {
    const chargers = t.gw.store.chargers as unknown as { recordBoot: unknown };
    const recordBoot = chargers.recordBoot;
    chargers.recordBoot = async () => {
      throw new Error('disk on fire');
    };
    try {
      const frame = await exchange('[2,"f-boom","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]', 'f-boom');
      expect(frame).toEqual([4, 'f-boom', 'InternalError', 'Internal error; retry later', {}]);
    } finally {
      chargers.recordBoot = recordBoot;
    }
    expect((await exchange('[2,"f-boot","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]', 'f-boot'))[2]).toMatchObject({ status: 'Accepted' });
    expect(t.logs.some((l) => l.msg === 'handler failed' && l.chargerId === 'FAST-1')).toBe(true);
    expect(slowPath).not.toContain('f-boom');
  });

  it('answers a repeated message id once, from the reply it already sent', async () => {
    const first = await exchange('[2,"f-dup","Authorize",{"idTag":"KNOWN"}]', 'f-dup');
    const again = await exchange('[2,"f-dup","Authorize",{"idTag":"KNOWN"}]', 'f-dup');
    expect(again).toEqual(first);
  });
});

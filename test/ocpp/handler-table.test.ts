import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

/** CALLs reach the 1.6 handler table after their schema; the replies are checked against theirs. */
describe('CALLs answered from the handler table', () => {
  let t: TestGateway;
  let c: SimCharger;
  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    await t.installation(['FAST-1'], [{ idTag: 'KNOWN' }]);
    c = t.charger('FAST-1');
    await c.connect();
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
  });

  it('answers a call that fails its schema with the violation, and serves the next call', async () => {
    const frame = await exchange('[2,"f-extra","Authorize",{"idTag":"KNOWN","colour":"red"}]', 'f-extra');
    expect(frame.slice(0, 3)).toEqual([4, 'f-extra', 'PropertyConstraintViolation']);
    expect(await exchange('[2,"f-after","Authorize",{"idTag":"KNOWN"}]', 'f-after')).toEqual([3, 'f-after', { idTagInfo: { status: 'Accepted' } }]);
  });

  it('answers a handler that fails with InternalError, and serves the next call', async () => {
    // A real failure of the database under the handler: this vendor's boot write is aborted.
    await sql`create trigger boom before update on chargers when new.vendor = 'BOOM' begin select raise(abort, 'disk on fire'); end`.execute(t.gw.store.db);
    try {
      const frame = await exchange('[2,"f-boom","BootNotification",{"chargePointVendor":"BOOM","chargePointModel":"M"}]', 'f-boom');
      expect(frame).toEqual([4, 'f-boom', 'InternalError', 'Internal error; retry later', {}]);
    } finally {
      await sql`drop trigger boom`.execute(t.gw.store.db);
    }
    expect((await exchange('[2,"f-boot","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]', 'f-boot'))[2]).toMatchObject({ status: 'Accepted' });
    expect(t.logs.some((l) => l.msg === 'handler failed' && l.chargerId === 'FAST-1')).toBe(true);
  });

  it('answers a repeated message id once, from the reply it already sent', async () => {
    const first = await exchange('[2,"f-dup","Authorize",{"idTag":"KNOWN"}]', 'f-dup');
    const again = await exchange('[2,"f-dup","Authorize",{"idTag":"KNOWN"}]', 'f-dup');
    expect(again).toEqual(first);
  });
});

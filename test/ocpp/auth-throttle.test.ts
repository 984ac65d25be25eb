import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthThrottle } from '../../src/ocpp/authThrottle.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('handshake failure throttle', () => {
  it('blocks a charger id after its limit, and an address after its larger one, across charger ids', () => {
    const throttle = createAuthThrottle({ idFailures: 2, addressFailures: 3, windowMs: 60_000 });
    throttle.failed('A', '10.0.0.1');
    expect(throttle.blocked('A', '10.0.0.1')).toBe(false);
    throttle.failed('A', '10.0.0.1');
    expect(throttle.blocked('A', '10.0.0.9')).toBe(true);
    // Another charger behind the same address is still let in until the address reaches its limit.
    expect(throttle.blocked('B', '10.0.0.1')).toBe(false);
    throttle.failed('B', '10.0.0.1');
    expect(throttle.blocked('B', '10.0.0.1')).toBe(true);
    expect(throttle.blocked('C', '10.0.0.1')).toBe(true);
    expect(throttle.blocked('C', '10.0.0.2')).toBe(false);
  });

  it('forgets a charger id on success but not the address, and forgets both after the window', async () => {
    const throttle = createAuthThrottle({ idFailures: 2, addressFailures: 3, windowMs: 100 });
    throttle.failed('A', '10.0.0.1');
    throttle.failed('A', '10.0.0.1');
    throttle.succeeded('A');
    expect(throttle.blocked('A', '10.0.0.2')).toBe(false);
    throttle.failed('B', '10.0.0.1');
    expect(throttle.blocked('Z', '10.0.0.1')).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(throttle.blocked('Z', '10.0.0.1')).toBe(false);
  });
});

describe('handshake throttle by address (flow)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    const inst = await t.api('POST', '/api/installations', { name: 'Throttled', securityProfile: 2 });
    for (let i = 0; i < 13; i++) await t.api('POST', `/api/installations/${inst.body.id}/chargers`, { id: `ADDR-${i}` });
  });
  afterAll(() => t?.stop());

  const attempt = (id: string) => t.charger(id).connect().then(() => 0, (e) => e.statusCode as number);

  it('refuses every charger id from an address after 50 failures from it, though no single id reached its own limit', async () => {
    // Profile 2 over plain ws fails without any password hashing: 4 failures for each of 12 ids, then 2 more.
    const codes: number[] = [];
    for (let round = 0; round < 4; round++) for (let i = 0; i < 12; i++) codes.push(await attempt(`ADDR-${i}`));
    codes.push(await attempt('ADDR-12'), await attempt('ADDR-12'));
    expect(codes).toEqual(Array(50).fill(401));
    // ADDR-12 has failed only twice; its address has failed 50 times.
    expect(await attempt('ADDR-12')).toBe(429);
  });
});

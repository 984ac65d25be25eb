import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('dead peers', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('sqlite', { pingIntervalSec: 1 });
    await t.installation(['PING-1', 'PING-2']);
  });
  afterAll(() => t?.stop());

  it('are found by WebSocket pings and marked offline; a live one stays', async () => {
    // A peer that never answers pings, as a charger behind a dead NAT mapping looks.
    const dead = new WebSocket(`${t.ocppUrl}/PING-1`, 'ocpp1.6', { autoPong: false });
    const closed = new Promise((resolve) => dead.once('close', resolve));
    await new Promise((resolve, reject) => dead.once('open', resolve).once('error', reject));
    const live = t.charger('PING-2');
    await live.connect();
    await expect.poll(async () => (await t.gw.store.chargers.get('PING-1'))?.online).toBe(true);
    await closed;
    await expect.poll(async () => (await t.gw.store.chargers.get('PING-1'))?.online, { timeout: 5000 }).toBe(false);
    expect(live.isOpen).toBe(true);
    expect((await t.gw.store.chargers.get('PING-2'))?.online).toBe(true);
  });

  it('completes the handshake without a subprotocol and closes at once (OCPP-J 3.1.2)', async () => {
    const ws = new WebSocket(`${t.ocppUrl}/PING-2`);
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1002);
  });
});

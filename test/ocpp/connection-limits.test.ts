import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('per-connection limits', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('sqlite', { maxMessagesPerSecond: 5, messageBurst: 10, handshakeTimeoutMs: 500 });
    await t.installation(['LIM-1', 'LIM-2', 'LIM-3'], [{ idTag: 'LIMTAG' }]);
  });
  afterAll(() => t?.stop());

  const isReply = (id: string) => (f: unknown[] | string) => Array.isArray(f) && f[1] === id;

  it('answers a CALL repeated with the same message id once, without processing it twice', async () => {
    const c = t.charger('LIM-1');
    await c.connect();
    const frame = JSON.stringify([2, 'dup-1', 'StartTransaction', { connectorId: 1, idTag: 'LIMTAG', meterStart: 0, timestamp: new Date().toISOString() }]);
    const first = c.waitForFrame(isReply('dup-1'));
    c.sendRaw(frame);
    const a = await first;
    const second = c.waitForFrame(isReply('dup-1'));
    c.sendRaw(frame);
    const b = await second;
    expect(b).toEqual(a);
    expect(await t.gw.store.transactions.list({ chargerId: 'LIM-1', limit: 10, offset: 0 })).toHaveLength(1);
    expect(t.logs.some((l) => l.chargerId === 'LIM-1' && /answered once/.test(l.msg))).toBe(true);
    await c.close();
  });

  it('refuses a repeat of a CALL answered long ago with a CALLERROR instead of processing it again', async () => {
    // Each exchange waits for its answer, so the rate limit (5/s, burst 10) allows this pace.
    const c = t.charger('LIM-1');
    await c.connect();
    const exchange = async (frame: unknown[]) => {
      const answer = c.waitForFrame(isReply(frame[1] as string));
      c.sendRaw(JSON.stringify(frame));
      const got = await answer;
      await new Promise((r) => setTimeout(r, 210));
      return got;
    };
    const stored = async () => (await t.gw.store.transactions.list({ chargerId: 'LIM-1', limit: 10, offset: 0 })).length;
    const before = await stored();
    const start = [2, 'old-1', 'StartTransaction', { connectorId: 2, idTag: 'LIMTAG', meterStart: 0, timestamp: new Date().toISOString() }];
    expect((await exchange(start))[0]).toBe(3);
    // More calls than the connection keeps whole replies for.
    for (let i = 0; i < 12; i++) expect((await exchange([2, `between-${i}`, 'Heartbeat', {}]))[0]).toBe(3);
    const again = await exchange(start);
    expect(again.slice(0, 3)).toEqual([4, 'old-1', 'GenericError']);
    expect(await stored()).toBe(before + 1);
    expect(t.logs.some((l) => l.chargerId === 'LIM-1' && l.messageId === 'old-1' && l.replyKept === false)).toBe(true);
    await c.close();
  });

  it('guards a CALL whose message type is written 2.0: sent twice, it is stored once', async () => {
    const c = t.charger('LIM-1');
    await c.connect();
    const { transactionId } = await c.startTransaction({ connectorId: 3, idTag: 'LIMTAG', meterStart: 0, timestamp: new Date().toISOString() });
    const meter = { connectorId: 3, transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '42' }] }] };
    // JSON's 2.0 is the number 2: a CALL like any other.
    const frame = `[2.0,"mv-float-1","MeterValues",${JSON.stringify(meter)}]`;
    for (let i = 0; i < 2; i++) {
      const answer = c.waitForFrame(isReply('mv-float-1'));
      c.sendRaw(frame);
      expect((await answer)[0]).toBe(3);
      await new Promise((r) => setTimeout(r, 210));
    }
    expect(await t.gw.store.meterValues.forTransaction(transactionId)).toHaveLength(1);
    await c.close();
  });

  it('refuses a message id longer than OCPP-J allows (36) with a CALLERROR, processes nothing, keeps the connection', async () => {
    const c = t.charger('LIM-1');
    await c.connect();
    const id = 'x'.repeat(250);
    const before = (await t.gw.store.transactions.list({ chargerId: 'LIM-1', limit: 100, offset: 0 })).length;
    const start = { connectorId: 4, idTag: 'LIMTAG', meterStart: 0, timestamp: new Date().toISOString() };
    const answer = c.waitForFrame(isReply(id));
    c.sendRaw(JSON.stringify([2, id, 'StartTransaction', start]));
    expect((await answer).slice(0, 3)).toEqual([4, id, 'FormationViolation']);
    expect((await t.gw.store.transactions.list({ chargerId: 'LIM-1', limit: 100, offset: 0 })).length).toBe(before);
    await new Promise((r) => setTimeout(r, 210));
    expect((await c.heartbeat()).currentTime).toBeTruthy();
    await c.close();
  });

  it('refuses messages over the rate with a CALLERROR and keeps the connection, then accepts again', async () => {
    const c = t.charger('LIM-2');
    await c.connect();
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => c.heartbeat()));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ code: 'GenericError' });
    expect(c.isOpen).toBe(true);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await c.heartbeat()).currentTime).toBeTruthy();
    await c.close();
  });

  it('closes a connection that keeps flooding far over the limit', async () => {
    const c = t.charger('LIM-3');
    await c.connect();
    const closed = new Promise<number>((resolve) => c.once('close', (code: number) => resolve(code)));
    for (let i = 0; i < 60; i++) c.sendRaw(JSON.stringify([2, `flood-${i}`, 'Heartbeat', {}]));
    expect(await closed).toBe(1008);
  });

  it('drops a peer that does not finish its handshake in time', async () => {
    const socket = connect(t.gw.ocppPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const started = Date.now();
    // Half an upgrade request, then silence: a slowloris.
    socket.write('GET /ocpp/LIM-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

// The charger simulator against a tiny in-test central system on a real socket.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallError, SimCharger } from '../../simulators/charger/charger.js';
import { runFleet } from '../../simulators/charger/fleet.js';
import { encodeCall, encodeError, encodeResult, parseFrame } from '../../simulators/charger/frames.js';
import { Histogram, Stats } from '../../simulators/charger/stats.js';

const UNKNOWN = 'UNKNOWN-1';

// Per charger id, the last socket, so tests can send server-initiated CALLs.
const sockets = new Map<string, WebSocket>();
// What chargers reported, in arrival order, to check session and fleet sequences.
const received: string[] = [];
let lastTransactionId = 0;
let wss: WebSocketServer;
let url: string;

function answer(ws: WebSocket, text: string): void {
  const frame = parseFrame(text);
  if (!frame || frame[0] !== 2 || typeof frame[1] !== 'string') {
    ws.send(encodeError('-1', 'FormationViolation', 'not a CALL'));
    return;
  }
  const [, id, action, payload] = frame as [number, string, string, any];
  switch (action) {
    case 'BootNotification':
      return void ws.send(encodeResult(id, { status: 'Accepted', currentTime: new Date().toISOString(), interval: 60 }));
    case 'Authorize':
      return void ws.send(encodeResult(id, { idTagInfo: { status: payload.idTag === 'GOOD' ? 'Accepted' : 'Invalid' } }));
    case 'StartTransaction':
      return void ws.send(encodeResult(id, { transactionId: ++lastTransactionId, idTagInfo: { status: 'Accepted' } }));
    case 'StopTransaction':
      return void ws.send(encodeResult(id, { idTagInfo: { status: 'Accepted' } }));
    case 'StatusNotification':
    case 'MeterValues':
      received.push(`${action}:${payload.status ?? payload.meterValue[0].sampledValue[0].value}`);
      return void ws.send(encodeResult(id, {}));
    case 'Echo': // replies after `delayMs`, so concurrent calls come back out of order
      return void setTimeout(() => ws.send(encodeResult(id, payload)), payload.delayMs);
    case 'Heartbeat':
      return; // never answered: exercises call timeouts
    default:
      ws.send(encodeError(id, 'NotImplemented', `no ${action}`, { action }));
  }
}

beforeAll(async () => {
  wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('ocpp1.6') ? 'ocpp1.6' : false),
    verifyClient: (info, done) => (info.req.url?.endsWith(`/${UNKNOWN}`) ? done(false, 404) : done(true)),
  });
  wss.on('connection', (ws, req) => {
    sockets.set(decodeURIComponent(req.url!.split('/').pop()!), ws);
    ws.on('message', (data) => answer(ws, data.toString()));
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ocpp`;
});

afterAll(async () => {
  for (const ws of wss.clients) ws.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

async function connected(id: string, extra: Partial<ConstructorParameters<typeof SimCharger>[0]> = {}) {
  const charger = new SimCharger({ url, id, ...extra });
  await charger.connect();
  return charger;
}

/** Sends a CALL from the server side and resolves with the charger's reply frame. */
function serverCall(id: string, action: string, payload: object): Promise<unknown[]> {
  const ws = sockets.get(id)!;
  const messageId = `srv-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const frame = parseFrame(data.toString());
      if (frame && frame[1] === messageId) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeCall(messageId, action, payload));
  });
}

describe('SimCharger', () => {
  it('boots and correlates concurrent replies by message id', async () => {
    const charger = await connected('CP-1');
    expect(charger.isOpen).toBe(true);
    expect((await charger.boot()).status).toBe('Accepted');
    const replies = await Promise.all([30, 20, 10, 0].map((delayMs) => charger.call('Echo', { delayMs })));
    expect(replies.map((r) => r.delayMs)).toEqual([30, 20, 10, 0]);
    await charger.close();
    expect(charger.isOpen).toBe(false);
  });

  it('turns a CALLERROR into a CallError with code, description and details', async () => {
    const charger = await connected('CP-2');
    const err = await charger.call('Nonsense', {}).catch((e) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'NotImplemented', description: 'no Nonsense', details: { action: 'Nonsense' } });
    await charger.close();
  });

  it('rejects connect with the HTTP status when the handshake is refused', async () => {
    const stats = new Stats();
    const err = await new SimCharger({ url, id: UNKNOWN, stats }).connect().catch((e) => e);
    expect(err.statusCode).toBe(404);
    expect(stats.summary().connectionErrors).toEqual({ 'HTTP 404': 1 });
  });

  it('rejects a call that gets no reply in time, and pending calls when the socket closes', async () => {
    const charger = await connected('CP-3', { callTimeoutMs: 100 });
    await expect(charger.heartbeat()).rejects.toThrow(/no reply within 100 ms/);
    const charger2 = await connected('CP-3b');
    const pending = charger2.heartbeat();
    await charger2.close();
    await expect(pending).rejects.toThrow(/closed/);
    await charger.close();
  });

  it('answers server CALLs with the default handlers and records them', async () => {
    const charger = await connected('CP-4');
    const seen: string[] = [];
    charger.on('call', ({ action }) => seen.push(action));

    expect(await serverCall('CP-4', 'RemoteStartTransaction', { idTag: 'X' })).toEqual([3, expect.any(String), { status: 'Accepted' }]);
    expect((await serverCall('CP-4', 'UnlockConnector', { connectorId: 1 }))[2]).toEqual({ status: 'Unlocked' });
    await serverCall('CP-4', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '30' });
    expect((await serverCall('CP-4', 'GetConfiguration', { key: ['HeartbeatInterval', 'Nope'] }))[2]).toEqual({
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '30' }],
      unknownKey: ['Nope'],
    });
    expect((await serverCall('CP-4', 'DataTransfer', { vendorId: 'x' }))[2]).toEqual({ status: 'UnknownVendorId' });
    expect((await serverCall('CP-4', 'SendLocalCommandNobodyKnows', {}))[2]).toBe('NotImplemented');

    expect(seen).toEqual(['RemoteStartTransaction', 'UnlockConnector', 'ChangeConfiguration', 'GetConfiguration', 'DataTransfer', 'SendLocalCommandNobodyKnows']);
    expect(charger.receivedCalls[0]).toEqual({ action: 'RemoteStartTransaction', payload: { idTag: 'X' } });
    await charger.close();
  });

  it('keeps what it stored across a restart: configuration keys and the local list', async () => {
    const before = await connected('CP-7');
    await serverCall('CP-7', 'ChangeConfiguration', { key: 'LocalAuthorizeOffline', value: 'false' });
    before.enableLocalList();
    await serverCall('CP-7', 'SendLocalList', { listVersion: 4, updateType: 'Full', localAuthorizationList: [{ idTag: 'KEPT', idTagInfo: { status: 'Accepted' } }] });
    await before.close();

    const after = new SimCharger({ url, id: 'CP-7' }).restartedFrom(before);
    await after.connect();
    expect((await serverCall('CP-7', 'GetConfiguration', { key: ['LocalAuthorizeOffline'] }))[2]).toMatchObject({ configurationKey: [{ value: 'false' }] });
    expect((await serverCall('CP-7', 'GetLocalListVersion', {}))[2]).toEqual({ listVersion: 4 });
    expect(after.localList.decide('KEPT')).toBe('Accepted');
    // A charger that never ran before starts empty.
    expect(new SimCharger({ url, id: 'CP-8' }).configuration.size).toBe(0);
    await after.close();
  });

  it('lets a test override a handler, including answering with a CallError', async () => {
    const charger = await connected('CP-5');
    charger.onCall('Reset', () => ({ status: 'Rejected' }));
    charger.onCall('ClearCache', () => {
      throw new CallError('InternalError', 'cache on fire');
    });
    expect((await serverCall('CP-5', 'Reset', { type: 'Soft' }))[2]).toEqual({ status: 'Rejected' });
    expect((await serverCall('CP-5', 'ClearCache', {})).slice(2, 4)).toEqual(['InternalError', 'cache on fire']);
    await charger.close();
  });

  it('sends raw malformed frames and waits for the CALLERROR they cause', async () => {
    const charger = await connected('CP-6');
    const reply = charger.waitForFrame((f) => Array.isArray(f) && f[0] === 4);
    charger.sendRaw('this is not json');
    expect(await reply).toEqual([4, '-1', 'FormationViolation', 'not a CALL', {}]);
    await expect(charger.waitForFrame(() => false, 50)).rejects.toThrow(/no matching frame/);
    await charger.close();
  });

  it('counts sends, replies by status and latencies in Stats', async () => {
    const stats = new Stats();
    const charger = await connected('CP-7', { stats });
    await charger.authorize('GOOD');
    await charger.authorize('BAD');
    await charger.call('Nonsense', {}).catch(() => {});
    await charger.close();
    const s = stats.summary();
    expect(s).toMatchObject({ connected: 1, closed: 1, messagesSent: 3, replies: { 'Authorize:Accepted': 1, 'Authorize:Invalid': 1 } });
    expect(s.callErrors).toEqual({ NotImplemented: 1 });
    expect(s.latencyMsByAction.Authorize.count).toBe(2);
    expect(stats.format()).toContain('Authorize:Accepted=1');
  });
});

describe('sessions and fleets', () => {
  it('runs a session in the order a charge point would', async () => {
    const charger = await connected('CP-8');
    received.length = 0;
    const result = await charger.runSession({ idTag: 'GOOD', meterIntervalMs: 5, meterSamples: 2, whPerSample: 50 });
    expect(result).toEqual({ transactionId: lastTransactionId, authorizeStatus: 'Accepted', startStatus: 'Accepted', stopStatus: 'Accepted' });
    expect(received).toEqual(['StatusNotification:Preparing', 'StatusNotification:Charging', 'MeterValues:50', 'MeterValues:100', 'StatusNotification:Available']);
    expect(await charger.runSession({ idTag: 'BAD' })).toEqual({ authorizeStatus: 'Invalid' });
    await charger.close();
  });

  it('connects, boots and runs sessions for a small fleet, counting refused chargers', async () => {
    const stats = new Stats();
    const fleet = await runFleet({ url, count: 5, idPrefix: 'FLEET-', idTag: 'GOOD', sessions: 1, meterIntervalMs: 1, meterSamples: 1, connectRate: 1000, stats });
    expect(fleet.chargers).toHaveLength(5);
    expect(fleet.failed).toBe(0);
    expect(stats.summary().replies).toMatchObject({ 'BootNotification:Accepted': 5, 'Authorize:Accepted': 5, 'StopTransaction:Accepted': 5 });
    await fleet.close();
    expect(fleet.chargers.every((c) => !c.isOpen)).toBe(true);

    const refused = await runFleet({ url, count: 1, idPrefix: 'UNKNOWN-' });
    expect(refused).toMatchObject({ chargers: [], failed: 1 });
  });
});

describe('Histogram', () => {
  it('gives percentiles within 2% for a uniform spread', () => {
    const h = new Histogram();
    for (let i = 1; i <= 10_000; i++) h.record(i / 10); // 0.1 .. 1000 ms
    expect(h.percentile(50)).toBeCloseTo(500, -1);
    expect(Math.abs(h.percentile(50) - 500) / 500).toBeLessThan(0.02);
    expect(Math.abs(h.percentile(99) - 990) / 990).toBeLessThan(0.02);
    expect(h.percentile(100)).toBe(1000);
    expect(h.percentile(0)).toBe(0.1);
    expect(h.summary()).toMatchObject({ count: 10_000, min: 0.1, max: 1000 });
  });

  it('is empty-safe and merges', () => {
    const a = new Histogram();
    expect(a.percentile(50)).toBeNaN();
    const b = new Histogram();
    a.record(1);
    b.record(100);
    a.merge(b);
    expect(a.count).toBe(2);
    expect(a.max).toBe(100);
  });
});

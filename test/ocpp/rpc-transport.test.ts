import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRpcServer } from '../../src/ocpp/rpc/server.js';
import type { OcppConnection, ProtocolSpec } from '../../src/ocpp/rpc/connection.js';
import type { Dispatch } from '../../src/ocpp/rpc/inbound.js';
import { basicPassword } from '../../src/ocpp/rpc/handshake.js';
import { schemaValidator } from '../../src/ocpp/rpc/validators.js';
import { toOcpp16ErrorCode } from '../../src/ocpp/errors.js';
import { chargerPath } from '../../src/ocpp/upgrade.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const v16: ProtocolSpec = { validator: schemaValidator('ocpp1.6'), errors: toOcpp16ErrorCode };
const v201: ProtocolSpec = { validator: schemaValidator('ocpp2.0.1'), errors: (code) => code };

/** The transport alone on port 0, with a handler table of the test's own. */
describe('the OCPP-J transport', () => {
  let http: Server;
  let url: string;
  const connections: OcppConnection[] = [];
  let dispatch: Dispatch;

  beforeAll(async () => {
    const rpc = createRpcServer<{ chargerId: string }>({
      protocols: { 'ocpp1.6': v16, 'ocpp2.0.1': v201 },
      admit: async (f) => ({ ok: true, session: { chargerId: f.chargerId } }),
      limits: { maxFrameBytes: 65536, rate: { perSecond: 100, burst: 100 }, callTimeoutMs: 2000 },
      maxPayload: 4 * 65536,
      pingIntervalMs: 0,
      upgraded: () => undefined,
      connected: (c) => {
        connections.push(c);
        c.serve(dispatch);
      },
      noProtocol: () => undefined,
    });
    http = createServer();
    http.on('upgrade', (req, socket: Socket, head) => {
      const path = chargerPath(req.url);
      if (path.ok) void rpc.handleUpgrade(req, socket, head, path);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as { port: number }).port}/ocpp`;
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

  it('gives a handler an AbortSignal that aborts when the charger disconnects mid-call', async () => {
    let seen: { params: unknown; signal: AbortSignal } | undefined;
    dispatch = {
      has: (method) => method === 'Heartbeat',
      run: (_method, params, signal) => {
        seen = { params, signal };
        return new Promise(() => undefined);
      },
    };
    const c = new SimCharger({ url, id: 'SIG-1' });
    await c.connect();
    const call = c.call('Heartbeat', {}).catch(() => 'ended');
    await expect.poll(() => seen).toBeDefined();
    expect(seen!.params).toEqual({});
    expect(seen!.signal.aborted).toBe(false);
    await c.close();
    await expect.poll(() => seen!.signal.aborted).toBe(true);
    expect(await call).toBe('ended');
  });

  it('negotiates the version we prefer among those offered, and validates with its schemas', async () => {
    dispatch = { has: () => true, run: async () => ({ currentTime: new Date().toISOString() }) };
    const ws = new WebSocket(`${url}/NEG-1`, ['ocpp1.6', 'ocpp2.0.1']);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    expect(ws.protocol).toBe('ocpp2.0.1');
    expect(connections.at(-1)!.protocol).toBe('ocpp2.0.1');
    const reply = new Promise<unknown[]>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    // A 1.6 payload is not a 2.0.1 BootNotification.
    ws.send(JSON.stringify([2, 'b-1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }]));
    expect((await reply).slice(0, 2)).toEqual([4, 'b-1']);
    ws.close();
  });
});

describe('Basic credentials at the handshake', () => {
  const header = (user: string, password: Buffer) => `Basic ${Buffer.concat([Buffer.from(`${user}:`), password]).toString('base64')}`;

  it('gives the bytes after `${chargerId}:`, colons in the id and binary passwords included', () => {
    const binary = Buffer.from([0xff, 0x00, 0x3a, 0x80]);
    expect(basicPassword(header('CP:1', binary), 'CP:1')).toEqual(binary);
    expect(basicPassword(`  basic   ${header('CP-2', Buffer.from('pw')).slice(6)}  `, 'CP-2')).toEqual(Buffer.from('pw'));
  });

  it('gives nothing for another user, another scheme or a malformed header', () => {
    expect(basicPassword(header('CP-OTHER', Buffer.from('pw')), 'CP-1')).toBeUndefined();
    expect(basicPassword('Bearer abc', 'CP-1')).toBeUndefined();
    expect(basicPassword('Basic !!!', 'CP-1')).toBeUndefined();
    expect(basicPassword(undefined, 'CP-1')).toBeUndefined();
  });
});

describe('subprotocols at the gateway', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    await t.installation(['SUB-1', 'SUB-2']);
  });
  afterAll(() => t?.stop());

  /** Connects SUB-2 offering these, and answers which version the gateway chose (it must then serve it). */
  async function negotiated(offered: string[]): Promise<string> {
    const ws = new WebSocket(`${t.ocppUrl}/SUB-2`, offered);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<unknown[]>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws.send(JSON.stringify([2, 'h-1', 'Heartbeat', {}]));
    expect((await reply)[0]).toBe(3);
    ws.close();
    return ws.protocol;
  }

  it('picks ocpp1.6 from a list that also offers versions it does not speak', async () => {
    expect(await negotiated(['ocpp2.0', 'ocpp1.6', 'ocpp1.5'])).toBe('ocpp1.6');
  });

  it('prefers ocpp2.1, then ocpp2.0.1, then ocpp1.6, whatever the order offered', async () => {
    expect(await negotiated(['ocpp1.6', 'ocpp2.0.1'])).toBe('ocpp2.0.1');
    expect(await negotiated(['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'])).toBe('ocpp2.1');
    expect(await negotiated(['ocpp2.0.1'])).toBe('ocpp2.0.1');
    expect(await negotiated(['ocpp2.1'])).toBe('ocpp2.1');
  });

  it('answers a charger offering only a version it does not speak without a subprotocol, and does not take it online', async () => {
    const ws = new WebSocket(`${t.ocppUrl}/SUB-1`, 'ocpp2.0');
    ws.on('error', () => undefined);
    const upgraded = new Promise<{ statusCode?: number; headers: Record<string, unknown> }>((resolve) => ws.once('upgrade', resolve));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const response = await upgraded;
    expect(response.statusCode).toBe(101);
    expect(response.headers['sec-websocket-protocol']).toBeUndefined();
    await closed;
    await expect.poll(() => t.logs.some((l) => l.chargerId === 'SUB-1' && /no subprotocol of ours/.test(l.msg))).toBe(true);
    expect(t.gw.ocpp.registry.get('SUB-1')).toBeUndefined();
  });
});

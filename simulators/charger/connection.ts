// One OCPP-J connection of a simulated charge point on a bare `ws` socket: connect,
// CALLs out with one pending map, answers to the central system's CALLs. Deliberately
// not ocpp-rpc: a fleet holds tens of thousands of these in one process, and tests
// need to put malformed frames on the wire. Per charger there is one socket, a few
// small maps and no timers except those of calls in flight. What a charger says in
// each version is SimCharger's (charger.ts).

import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { CallError, encodeCall, isCall, isCallError, isCallResult, parseFrame } from './frames.js';
import { FrameWaiters } from './frame-waiters.js';
import { statusOf } from './messages.js';
import { replyToCall, type RemoteCommandHandler } from './remote-commands.js';
import type { Stats } from './stats.js';
import { versionOf, type OcppVersion } from './versions.js';

export interface SimChargerOptions {
  /** Base URL of the central system, e.g. ws://127.0.0.1:9000/ocpp; the charger id is appended. */
  url: string;
  id: string;
  /** Connectors (1.6), or EVSEs of one connector each (2.0.1 and 2.1). */
  connectors?: number;
  /** The subprotocol offered: ocpp1.6 (default), ocpp2.0.1 or ocpp2.1 (anything else is spoken as 1.6). */
  protocol?: string;
  /** Source address of the socket, to spread a large fleet over 127.0.0.x (ephemeral ports are per address). */
  localAddress?: string;
  callTimeoutMs?: number;
  headers?: Record<string, string>;
  /** For wss: the CA to trust, and a client certificate and key (security profile 3). */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  stats?: Stats;
}

/** Error from connect(): `statusCode` when the server answered the upgrade with plain HTTP, `code` for socket errors. */
export class ConnectError extends Error {
  statusCode?: number;
  code?: string;
}

export interface ReceivedCall {
  action: string;
  payload: any;
}

interface PendingCall {
  action: string;
  startedNs: bigint;
  timer: NodeJS.Timeout;
  resolve: (payload: any) => void;
  reject: (err: Error) => void;
}

export abstract class ChargerConnection extends EventEmitter {
  readonly id: string;
  /** The version of the subprotocol offered. */
  readonly ocppVersion: OcppVersion;
  readonly connectors: number;
  readonly receivedCalls: ReceivedCall[] = [];

  /** The last CALL of `action` the server sent: what it sent after boot on its own (offline setting, lists) may come later. */
  lastCall(action: string): ReceivedCall | undefined {
    for (let i = this.receivedCalls.length - 1; i >= 0; i--) if (this.receivedCalls[i].action === action) return this.receivedCalls[i];
    return undefined;
  }

  private readonly url: string;
  private readonly protocol: string;
  private readonly localAddress?: string;
  private readonly headers?: Record<string, string>;
  private readonly tls?: SimChargerOptions['tls'];
  private readonly callTimeoutMs: number;
  private readonly stats?: Stats;
  private ws: WebSocket | null = null;
  private seq = 0;
  private readonly pending = new Map<string, PendingCall>();
  // Created on first use: most chargers of a fleet never get either.
  private handlers: Map<string, RemoteCommandHandler<any>> | null = null;
  private waiters: FrameWaiters | null = null;

  constructor(opts: SimChargerOptions) {
    super();
    this.id = opts.id;
    this.connectors = opts.connectors ?? 1;
    this.url = `${opts.url.replace(/\/+$/, '')}/${encodeURIComponent(opts.id)}`;
    this.protocol = opts.protocol ?? 'ocpp1.6';
    this.ocppVersion = versionOf(this.protocol);
    this.localAddress = opts.localAddress;
    this.headers = opts.headers;
    this.tls = opts.tls;
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.stats = opts.stats;
  }

  /** The version's default answer to a server CALL, if it has one. */
  protected abstract defaultCommand(action: string): RemoteCommandHandler<this> | undefined;

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect(): Promise<void> {
    if (this.ws) return Promise.reject(new Error(`${this.id}: already connected`));
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, this.protocol, {
        localAddress: this.localAddress,
        headers: this.headers,
        ...this.tls,
        perMessageDeflate: false, // a zlib context per socket would dominate a fleet's memory; OCPP frames are small
        handshakeTimeout: this.callTimeoutMs,
      });
      this.ws = ws;
      let opened = false;
      let failed = false;
      const fail = (err: ConnectError) => {
        if (opened || failed) return;
        failed = true;
        if (this.ws === ws) this.ws = null; // so a retry may connect() at once
        this.stats?.recordConnectionError(err.statusCode ? `HTTP ${err.statusCode}` : (err.code ?? 'ERROR'));
        reject(err);
      };
      ws.on('unexpected-response', (_req, res) => {
        const err = new ConnectError(`${this.id}: handshake refused with HTTP ${res.statusCode}`);
        err.statusCode = res.statusCode;
        fail(err);
        res.resume();
        ws.terminate();
      });
      ws.on('error', (err: NodeJS.ErrnoException) => {
        const wrapped = new ConnectError(`${this.id}: ${err.message}`, { cause: err });
        wrapped.code = err.code;
        fail(wrapped);
      });
      ws.once('open', () => {
        opened = true;
        this.stats?.recordConnected();
        resolve();
      });
      ws.on('message', (data, isBinary) => this.onMessage(isBinary ? '' : data.toString()));
      ws.once('close', (code, reason) => this.onClose(ws, opened, code, reason.toString()));
    });
  }

  /** Sends a CALL; resolves with the CALLRESULT payload, rejects with CallError on CALLERROR, or on timeout/close. */
  call<T = any>(action: string, payload: object): Promise<T> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`${this.id}: not connected`));
    const id = String(++this.seq);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.stats?.recordTimeout(action);
        reject(new Error(`${this.id}: ${action} got no reply within ${this.callTimeoutMs} ms`));
      }, this.callTimeoutMs);
      this.pending.set(id, { action, startedNs: process.hrtime.bigint(), timer, resolve, reject });
      this.stats?.recordSent(action);
      ws.send(encodeCall(id, action, payload));
    });
  }

  /** Puts text on the wire as is, for tests of malformed frames. */
  sendRaw(text: string): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new Error(`${this.id}: not connected`);
    this.ws.send(text);
  }

  /**
   * Resolves with the next inbound frame the predicate accepts. The predicate sees
   * the parsed array, or the raw text when the frame is not a JSON array; a
   * matching raw text resolves as `[text]`.
   */
  waitForFrame(predicate: (frame: unknown[] | string) => boolean, timeoutMs = 5_000): Promise<unknown[]> {
    return (this.waiters ??= new FrameWaiters()).wait(predicate, timeoutMs, this.id);
  }

  /** Overrides the answer to one server-initiated action; throw a CallError to answer with a CALLERROR. */
  onCall(action: string, handler: RemoteCommandHandler<this>): this {
    (this.handlers ??= new Map()).set(action, handler);
    return this;
  }

  close(code = 1000): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      // A server that never answers the close frame must not hold the caller for ws's 30 s default.
      const force = setTimeout(() => ws.terminate(), 2_000);
      ws.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(code);
    });
  }

  private onMessage(text: string): void {
    const frame = parseFrame(text);
    this.waiters?.offer(frame ?? text);
    if (frame && isCallResult(frame)) return this.settle(frame[1], frame[2], null);
    if (frame && isCallError(frame)) return this.settle(frame[1], null, new CallError(frame[2], String(frame[3] ?? ''), frame[4]));
    if (frame && isCall(frame)) return void this.answer(frame[1], frame[2], frame[3]);
    // Shapes we do not understand are surfaced as an event, not answered: tests
    // decide whether the central system sending them is a failure.
    this.emit('badFrame', text);
  }

  private settle(id: string, payload: unknown, error: CallError | null): void {
    const call = this.pending.get(id);
    if (!call) return; // late reply after a timeout, or an id we never sent
    this.pending.delete(id);
    clearTimeout(call.timer);
    const latencyMs = Number(process.hrtime.bigint() - call.startedNs) / 1e6;
    if (error) {
      this.stats?.recordCallError(call.action, error.code, latencyMs);
      call.reject(error);
    } else {
      this.stats?.recordReply(call.action, statusOf(payload), latencyMs);
      call.resolve(payload);
    }
  }

  private async answer(id: string, action: string, payload: any): Promise<void> {
    this.receivedCalls.push({ action, payload });
    this.emit('call', { action, payload });
    const handler = this.handlers?.get(action) ?? this.defaultCommand(action);
    const { frame, followUps } = await replyToCall<this>(id, action, payload, this, handler);
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(frame);
    for (const task of followUps) {
      // A follow-up failing (socket closed, CALLERROR) is the test's to notice, not a crash.
      await Promise.resolve().then(task).catch((err) => this.emit('followUpError', err));
    }
  }

  private onClose(ws: WebSocket, opened: boolean, code: number, reason: string): void {
    if (this.ws === ws) this.ws = null;
    const err = new Error(`${this.id}: connection closed (${code}${reason ? ` ${reason}` : ''})`);
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(err);
    }
    this.pending.clear();
    this.waiters?.rejectAll(err);
    if (opened) {
      this.stats?.recordClosed();
      this.emit('close', code, reason);
    }
  }
}

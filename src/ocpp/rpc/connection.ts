import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { ErrorTable } from './errors.js';
import { createInbound, type Dispatch, type Inbound, type InboundHooks } from './inbound.js';
import { createOutboundCalls, type CallOptions, type OutboundCalls } from './outbound.js';
import type { RateLimitOptions } from './rateLimit.js';
import type { SchemaValidator } from './validators.js';

/** What the transport needs of one OCPP version: its schemas and its CALLERROR table. */
export interface ProtocolSpec {
  validator: SchemaValidator;
  errors: ErrorTable;
}

export interface Handshake {
  identity: string;
  endpoint: string;
  remoteAddress: string | undefined;
  /** The subprotocols the charger offered, in its order. */
  protocols: string[];
}

export interface ConnectionLimits {
  maxFrameBytes: number;
  rate: RateLimitOptions;
  callTimeoutMs: number;
}

export interface CloseOptions {
  code?: number;
  reason?: string;
  /** Drop the socket at once, without a close frame or waiting for handlers. */
  force?: boolean;
}

export interface Closed {
  code: number;
  reason: string;
}

const OPEN = 1;

/**
 * One charger's OCPP-J connection. Events: 'message' (a frame arrived), 'refused', 'badMessage',
 * 'strictValidationFailure', 'callResult' ({ method }: a CALL of the charger answered), 'calling' (method, params:
 * a CALL to the charger), 'close' ({ code, reason }).
 */
export class OcppConnection<Session = unknown> extends EventEmitter {
  private readonly inbound: Inbound;
  private readonly outbound: OutboundCalls;
  // One per connection, not per call: it aborts when the connection ends, which is all a handler needs to know.
  private readonly ended = new AbortController();
  private closing: Promise<Closed> | undefined;
  private readonly closed: Promise<Closed>;
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    readonly protocol: string,
    spec: ProtocolSpec,
    readonly session: Session,
    readonly handshake: Handshake,
    limits: ConnectionLimits,
  ) {
    super();
    const isOpen = () => ws.readyState === OPEN;
    const send = (message: string) => ws.send(message);
    this.outbound = createOutboundCalls({
      validator: spec.validator,
      defaultTimeoutMs: limits.callTimeoutMs,
      send,
      isOpen: () => isOpen() && !this.closing,
      invalid: (detail) => this.emit('strictValidationFailure', detail),
    });
    this.inbound = createInbound({
      maxFrameBytes: limits.maxFrameBytes,
      rate: limits.rate,
      validator: spec.validator,
      errors: spec.errors,
      outbound: this.outbound,
      signal: this.ended.signal,
      send,
      isOpen,
      abuse: () => void this.close({ code: 1008, reason: 'Message rate limit exceeded' }),
      hooks: this.hooks(),
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code: number, reason: Buffer) => {
        const closed = { code, reason: reason.toString('utf8') };
        this.end('Charger disconnected');
        this.emit('close', closed);
        resolve(closed);
      }),
    );
    // Errors end in 'close' (e.g. 1009 for a frame above maxPayload); nothing more to do here.
    ws.on('error', () => undefined);
    ws.on('pong', () => (this.alive = true));
    ws.on('message', (data: Buffer) => this.inbound.onMessage(data));
  }

  private hooks(): InboundHooks {
    return {
      frame: () => this.emit('message'),
      refused: (kind, detail) => this.emit('refused', kind, detail),
      badMessage: (detail) => this.emit('badMessage', detail),
      invalid: (detail) => this.emit('strictValidationFailure', detail),
      answered: (method) => this.emit('callResult', { method }),
    };
  }

  /** The handler table CALLs of the charger are answered from. */
  serve(dispatch: Dispatch): void {
    this.inbound.serve(dispatch);
  }

  /** A CALL to the charger, after the one before it is answered; resolves with its CALLRESULT. Emits 'calling' (method, params). */
  call(method: string, params: unknown, options?: CallOptions): Promise<unknown> {
    this.emit('calling', method, params);
    return this.outbound.call(method, params, options);
  }

  /** Called every ping interval: a peer that did not answer the last ping is dropped. */
  keepAlive(): void {
    if (!this.alive) return void this.ws.terminate();
    this.alive = false;
    this.ws.ping();
  }

  /** Ends pending work, waits for running handlers (their replies still go out), then closes. */
  close({ code = 1000, reason = '', force = false }: CloseOptions = {}): Promise<Closed> {
    this.closing ??= (async () => {
      this.end('Client going away');
      if (force) this.ws.terminate();
      else {
        await this.inbound.settled();
        this.ws.close(code, reason);
      }
      return this.closed;
    })();
    return this.closing;
  }

  private end(reason: string): void {
    if (!this.ended.signal.aborted) this.ended.abort(new Error(reason));
    this.outbound.abortAll(reason);
  }
}

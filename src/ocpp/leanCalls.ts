import { randomUUID } from 'node:crypto';
import rpc from 'ocpp-rpc';

// A CommonJS export Node cannot name for ESM (ocpp-rpc spreads its errors into module.exports).
const { TimeoutError } = rpc;

/**
 * ocpp-rpc 2.2's `_call` (the gateway's CALLs to a charger) builds, per call, an AbortController,
 * a promise timer with a signal, and three errors with stack traces (the timeout error made up
 * front, the abort reason and the timer's AbortError on cleanup). Every boot sends two
 * ChangeConfiguration CALLs (offlineConfig.ts), so during a reconnect storm that was a tenth of
 * the gateway's CPU. The same contract with a plain timer and the error made only when it fires.
 * Calls with an abort signal or noReply go to the library's own. Still queued by ocpp-rpc's
 * call queue, so one CALL at a time stays outstanding as OCPP-J requires.
 * test/ocpp/lean-calls.test.ts checks the contract this relies on.
 */
interface PendingCall {
  msgId: string;
  method: string;
  params: unknown;
  promise: Promise<unknown>;
  resolve(result: unknown): void;
  reject(err: unknown): void;
  abort(reason: unknown): void;
}

interface CallingClient {
  _state: number;
  _protocol: string;
  _strictProtocols: string[];
  _strictValidators: Map<string, { validate(schemaId: string, params: unknown): void }>;
  _pendingCalls: Map<string, PendingCall>;
  _options: { callTimeoutMs: number };
  _call(method: string, params: unknown, options?: CallOptions): Promise<unknown>;
  emit(event: string, payload: unknown): boolean;
  sendRaw(message: string): void;
}

interface CallOptions {
  callTimeoutMs?: number;
  signal?: AbortSignal;
  noReply?: boolean;
}

const CLOSING = 2;
const CLOSED = 3;
const MSG_CALL = 2;

export function leanOutboundCalls(client: unknown): void {
  const c = client as CallingClient;
  const libraryCall = c._call.bind(c);

  c._call = async (method, params, options = {}) => {
    if (options.signal || options.noReply) return libraryCall(method, params, options);
    if (c._state === CLOSING || c._state === CLOSED) throw Error('Cannot make call while socket not open');
    const msgId = randomUUID();
    if (c._strictProtocols.includes(c._protocol)) validateOutbound(c, msgId, method, params);
    const pending = track(c, msgId, method, params, options.callTimeoutMs ?? c._options.callTimeoutMs);
    c.emit('call', { outbound: true, payload: [MSG_CALL, msgId, method, params] });
    c.sendRaw(JSON.stringify([MSG_CALL, msgId, method, params]));
    try {
      const result = await pending.promise;
      c.emit('callResult', { outbound: true, messageId: msgId, method, params, result });
      return result;
    } catch (error) {
      c.emit('callError', { outbound: true, messageId: msgId, method, params, error });
      throw error;
    }
  };
}

function validateOutbound(c: CallingClient, msgId: string, method: string, params: unknown): void {
  try {
    c._strictValidators.get(c._protocol)!.validate(`urn:${method}.req`, params);
  } catch (error) {
    c.emit('strictValidationFailure', { messageId: msgId, method, params, result: null, error, outbound: true, isCall: true });
    throw error;
  }
}

/** The entry ocpp-rpc's reply handling settles (resolve, reject) and its disconnect aborts. */
function track(c: CallingClient, msgId: string, method: string, params: unknown, timeoutMs: number): PendingCall {
  let settle!: { resolve(v: unknown): void; reject(e: unknown): void };
  const promise = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
  let timer: NodeJS.Timeout | undefined;
  const done = () => {
    clearTimeout(timer);
    c._pendingCalls.delete(msgId);
  };
  const pending: PendingCall = {
    msgId,
    method,
    params,
    promise,
    resolve: (v) => (done(), settle.resolve(v)),
    reject: (e) => (done(), settle.reject(e)),
    abort: (reason) => {
      const err = Error(String(reason));
      err.name = 'AbortError';
      pending.reject(err);
    },
  };
  if (timeoutMs > 0 && timeoutMs < Infinity) timer = setTimeout(() => pending.reject(new TimeoutError('Call timeout')), timeoutMs);
  c._pendingCalls.set(msgId, pending);
  return pending;
}

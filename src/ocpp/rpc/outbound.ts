import { randomUUID } from 'node:crypto';
import { CallTimeoutError, RpcError } from './errors.js';
import { MSG_CALL } from './frames.js';
import type { SchemaValidator } from './validators.js';

export interface CallOptions {
  /** How long the charger has to answer; the connection's default otherwise. */
  callTimeoutMs?: number;
}

export interface OutboundDeps {
  validator: SchemaValidator;
  defaultTimeoutMs: number;
  send(message: string): void;
  isOpen(): boolean;
  /** A request of ours, or the charger's answer, failed its schema. */
  invalid(detail: { messageId: string; method: string; params: unknown; result: unknown; error: unknown; outbound: boolean; isCall: boolean }): void;
}

interface Pending {
  method: string;
  params: unknown;
  timer: NodeJS.Timeout | undefined;
  resolve(result: unknown): void;
  reject(err: unknown): void;
}

/**
 * The gateway's CALLs to one charger: one outstanding at a time as OCPP-J requires (the rest
 * wait their turn), each with a deadline, settled by the charger's CALLRESULT or CALLERROR.
 */
export function createOutboundCalls(d: OutboundDeps) {
  const pending = new Map<string, Pending>();
  // The call in progress; the next starts when it settles, however it settles.
  let turn: Promise<unknown> = Promise.resolve();

  const send = (method: string, params: unknown, timeoutMs: number): Promise<unknown> => {
    if (!d.isOpen()) return Promise.reject(new Error('Cannot make call while socket not open'));
    const messageId = randomUUID();
    try {
      d.validator.request(method, params);
    } catch (error) {
      d.invalid({ messageId, method, params, result: null, error, outbound: true, isCall: true });
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const entry: Pending = { method, params, timer: undefined, resolve, reject };
      if (timeoutMs > 0 && timeoutMs < Infinity) entry.timer = setTimeout(() => settle(messageId, new CallTimeoutError('Call timeout'), false), timeoutMs);
      pending.set(messageId, entry);
      d.send(JSON.stringify([MSG_CALL, messageId, method, params]));
    });
  };

  /** Ends the call of that id; false when no call of ours has that id. */
  const settle = (messageId: string, value: unknown, ok: boolean): boolean => {
    const entry = pending.get(messageId);
    if (!entry) return false;
    pending.delete(messageId);
    clearTimeout(entry.timer);
    if (ok) entry.resolve(value);
    else entry.reject(value);
    return true;
  };

  return {
    call(method: string, params: unknown, options: CallOptions = {}): Promise<unknown> {
      const run = turn.then(() => send(method, params, options.callTimeoutMs ?? d.defaultTimeoutMs));
      turn = run.catch(() => undefined);
      return run;
    },
    /** The charger's CALLRESULT, checked against the schema of what we asked; false when we made no such call. */
    result(messageId: string, result: unknown): boolean {
      const entry = pending.get(messageId);
      if (!entry) return false;
      try {
        d.validator.response(entry.method, result);
      } catch (error) {
        d.invalid({ messageId, method: entry.method, params: entry.params, result, error, outbound: false, isCall: false });
        return settle(messageId, error, false);
      }
      return settle(messageId, result, true);
    },
    /** The charger's CALLERROR; false when we made no such call. */
    error(messageId: string, code: unknown, description: unknown, details: unknown): boolean {
      return settle(messageId, new RpcError(String(code), typeof description === 'string' ? description : '', details ?? {}), false);
    },
    /** The connection is gone: every call waiting for an answer ends now, not at its deadline. */
    abortAll(reason: string): void {
      for (const id of [...pending.keys()]) {
        const err = new Error(reason);
        err.name = 'AbortError';
        settle(id, err, false);
      }
    },
  };
}

export type OutboundCalls = ReturnType<typeof createOutboundCalls>;

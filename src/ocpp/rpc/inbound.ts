import { createAnsweredCalls } from './answeredCalls.js';
import { isRpcError, type ErrorTable } from './errors.js';
import { FrameError, MAX_DEPTH, MAX_MESSAGE_ID, MSG_CALL, MSG_CALLERROR, MSG_CALLRESULT, nestingExceeds, readFrame, unparsedCallId, type Frame } from './frames.js';
import type { OutboundCalls } from './outbound.js';
import { createRateLimit, type RateLimitOptions } from './rateLimit.js';
import type { SchemaValidator } from './validators.js';

/** The actions one connection answers: the handler table of its version, bound to its charger. */
export interface Dispatch {
  has(method: string): boolean;
  run(method: string, params: unknown, signal: AbortSignal): Promise<unknown>;
}

export type RefusalKind = 'oversized' | 'rate_limited' | 'rate_abuse' | 'duplicate';

export interface ValidationFailure {
  messageId: string;
  method: string;
  params: unknown;
  result: unknown;
  error: unknown;
  /** Sent by us (our CALL or our reply) rather than by the charger. */
  outbound: boolean;
  isCall: boolean;
}

/** What the frames tell the connection's owner; the transport itself never logs. */
export interface InboundHooks {
  /** A frame that parsed (guards passed): the charger is alive. */
  frame(): void;
  refused(kind: RefusalKind, detail: Record<string, unknown>): void;
  badMessage(detail: { error: Error; response: unknown[] | null }): void;
  invalid(detail: ValidationFailure): void;
  /** A CALL of the charger was answered with a CALLRESULT (the spec lets us send requests after BootNotification's). */
  answered(method: string): void;
}

export interface InboundDeps {
  maxFrameBytes: number;
  rate: RateLimitOptions;
  validator: SchemaValidator;
  errors: ErrorTable;
  outbound: OutboundCalls;
  /** Aborted when the connection ends; every handler gets it. */
  signal: AbortSignal;
  send(message: string): void;
  isOpen(): boolean;
  /** Ends the connection over abuse (1008). */
  abuse(): void;
  hooks: InboundHooks;
}

/**
 * Frames from one charger: the guards that run before parsing (size, depth, rate), the repeat
 * guard on the parsed CALL, schema validation both ways, and dispatch to the version's handlers.
 * Every reply to a CALL is kept (answeredCalls.ts), so a repeat of the CALL gets the same reply.
 */
export function createInbound(d: InboundDeps) {
  const rate = createRateLimit(d.rate);
  const calls = createAnsweredCalls();
  let dispatch: Dispatch | undefined;
  // Handlers still running, which a graceful close waits for.
  let running = 0;
  let drained: { promise: Promise<void>; resolve(): void } | undefined;

  const errorMessage = (id: string, code: string, text: string, details: unknown = {}) => [MSG_CALLERROR, id, d.errors(code), text, details];
  const callError = (id: string, code: string, text: string, details: unknown = {}) => JSON.stringify(errorMessage(id, code, text, details));
  const errorFrame = (id: string, err: unknown) =>
    isRpcError(err) ? callError(id, err.rpcErrorCode, err.message, err.details ?? {}) : callError(id, 'InternalError', 'Internal error');
  const reply = (id: string, out: string) => {
    calls.answered(id, out);
    d.send(out);
  };

  /** Size, depth and rate, judged on the bytes; false when the frame was refused. */
  function admitted(buffer: Buffer): boolean {
    if (buffer.length > d.maxFrameBytes) {
      const id = unparsedCallId(buffer);
      d.hooks.refused('oversized', { bytes: buffer.length, messageId: id });
      // Only a CALL is answered; a CALLRESULT or CALLERROR never gets a reply.
      if (id !== undefined) d.send(callError(id, 'FormatViolation', `Frame of ${buffer.length} bytes exceeds the limit of ${d.maxFrameBytes} bytes`));
      return false;
    }
    if (nestingExceeds(buffer, MAX_DEPTH)) {
      const id = unparsedCallId(buffer);
      d.hooks.refused('oversized', { depth: `> ${MAX_DEPTH}`, messageId: id });
      if (id !== undefined) d.send(callError(id, 'FormatViolation', `Frame nested deeper than ${MAX_DEPTH} levels`));
      return false;
    }
    const verdict = rate.take();
    if (verdict === 'ok') return true;
    const id = unparsedCallId(buffer);
    if (verdict === 'abuse') {
      d.hooks.refused('rate_abuse', { messageId: id });
      d.abuse();
      return false;
    }
    d.hooks.refused('rate_limited', { messageId: id });
    if (id !== undefined) d.send(callError(id, 'GenericError', `Message rate limit of ${d.rate.perSecond}/s exceeded; retry later`));
    return false;
  }

  /** A CALL whose id was seen on this connection is answered once, never processed twice; false when it is new. */
  function repeated(id: string): boolean {
    const kept = calls.replyTo(id);
    if (kept !== undefined) {
      d.hooks.refused('duplicate', { messageId: id, answered: true });
      d.send(kept);
      return true;
    }
    if (calls.wasAnswered(id)) {
      // Answered long ago and its reply is gone: refuse rather than process it a second time.
      // GenericError because 1.6 has no code for "already processed", and ProtocolError or
      // FormationViolation would tell the charger its payload is broken, which it is not.
      d.hooks.refused('duplicate', { messageId: id, answered: true, replyKept: false });
      d.send(callError(id, 'GenericError', 'Message id already answered on this connection; send a new message id'));
      return true;
    }
    if (calls.started(id)) return false;
    d.hooks.refused('duplicate', { messageId: id, answered: false });
    return true;
  }

  function onCall(id: string, method: unknown, params: unknown): void {
    if (id.length > MAX_MESSAGE_ID) {
      d.hooks.refused('oversized', { messageIdLength: id.length });
      return d.send(callError(id, 'FormatViolation', `Message id longer than ${MAX_MESSAGE_ID} characters`));
    }
    if (repeated(id)) return;
    if (typeof method !== 'string') return badFrame(new FrameError('RpcFrameworkError', 'Method must be a string', id, MSG_CALL));
    if (!d.isOpen()) return;
    if (!dispatch?.has(method)) return reply(id, callError(id, 'NotImplemented', `Unable to handle '${method}' calls`));
    try {
      d.validator.request(method, params);
    } catch (error) {
      d.hooks.invalid({ messageId: id, method, params, result: null, error, outbound: false, isCall: true });
      return reply(id, errorFrame(id, error));
    }
    running++;
    dispatch.run(method, params, d.signal).then(
      (result) => settle(() => answer(id, method, params, result)),
      (err) => settle(() => reply(id, errorFrame(id, err))),
    );
  }

  function answer(id: string, method: string, params: unknown, result: unknown): void {
    try {
      d.validator.response(method, result);
    } catch (error) {
      // Our own reply broke the schema: the charger gets InternalError, never a malformed reply.
      d.hooks.invalid({ messageId: id, method, params, result, error, outbound: true, isCall: false });
      return reply(id, callError(id, 'InternalError', 'Internal error'));
    }
    reply(id, JSON.stringify([MSG_CALLRESULT, id, result]));
    d.hooks.answered(method);
  }

  function settle(send: () => void): void {
    try {
      send();
    } finally {
      if (--running === 0 && drained) {
        drained.resolve();
        drained = undefined;
      }
    }
  }

  /** A frame that is not a well-formed message: answered under the id it gave, unless it was a CALLRESULT or CALLERROR. */
  function badFrame(error: FrameError): void {
    const answerable = error.messageType !== MSG_CALLRESULT && error.messageType !== MSG_CALLERROR;
    const response = answerable ? errorMessage(error.messageId, error.rpcErrorCode, error.message) : null;
    d.hooks.badMessage({ error, response });
    if (response) reply(error.messageId, JSON.stringify(response));
  }

  function onReply(frame: Exclude<Frame, { type: typeof MSG_CALL }>): void {
    const ours = frame.type === MSG_CALLRESULT ? d.outbound.result(frame.id, frame.result) : d.outbound.error(frame.id, frame.code, frame.description, frame.details);
    if (ours) return;
    const kind = frame.type === MSG_CALLRESULT ? 'CALLRESULT' : 'CALLERROR';
    badFrame(new FrameError('RpcFrameworkError', `Received ${kind} for unrecognised message ID: ${frame.id}`, frame.id, frame.type));
  }

  return {
    /** Sets the handler table this connection answers from. */
    serve(table: Dispatch): void {
      dispatch = table;
    },
    onMessage(buffer: Buffer): void {
      if (!admitted(buffer)) return;
      const text = buffer.toString('utf8');
      // Some chargers send empty frames (keep-alives of their own); they are ignored.
      if (text.length === 0) return;
      d.hooks.frame();
      let frame: Frame;
      try {
        frame = readFrame(text);
      } catch (err) {
        return badFrame(err as FrameError);
      }
      if (frame.type === MSG_CALL) onCall(frame.id, frame.method, frame.params);
      else onReply(frame);
    },
    /** Resolves once no handler is running. */
    settled(): Promise<void> {
      if (running === 0) return Promise.resolve();
      if (!drained) {
        let resolve!: () => void;
        drained = { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
      }
      return drained.promise;
    },
  };
}

export type Inbound = ReturnType<typeof createInbound>;

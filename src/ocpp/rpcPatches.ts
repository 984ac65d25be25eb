import type { ChargerClient as RPCServerClient } from './rpc.js';
import { toOcpp16ErrorCode } from './errors.js';
import { createRateLimit, type RateLimitOptions } from './rateLimit.js';
import { answerFast, type CallAnswerer, type FastClient } from './fastCalls.js';
import { createAnsweredCalls } from './answeredCalls.js';
import { leanOutboundCalls } from './leanCalls.js';

export { ANSWERED_IDS_KEPT } from './answeredCalls.js';

/**
 * ocpp-rpc (2.2.x) has no hook before it parses a frame, and sends some CALLERRORs with codes
 * outside the OCPP-J 1.6 list. The guards that must run before parsing (size, rate, a CALL
 * repeated with the same message id) and the error-code fix sit here, on the two internal
 * methods involved, and so does the hand-off of well-formed CALLs to src/ocpp/fastCalls.ts.
 * test/ocpp/malformed-frames.test.ts, test/ocpp/connection-limits.test.ts and
 * test/ocpp/fast-calls.test.ts fail if a library update changes either method.
 */
interface PatchableClient {
  _onMessage(buffer: Buffer): void;
  sendRaw(message: string): void;
  close(opts: { code: number; reason: string }): Promise<unknown>;
}

/** Only for frames refused before parsing (too large, too deep, over the rate): their id if it can be read. */
const CALL_ID = /^\s*\[\s*2(?:\.0*)?\s*,\s*"((?:[^"\\]|\\.){0,200})"/;
/** OCPP-J (4.1.3): a message id is at most 36 characters. */
const MAX_MESSAGE_ID = 36;
const MSG_CALL = 2;
const REPLY_ID = /^\[[34],"((?:[^"\\]|\\.){0,200})"/;
/** Deeper frames are refused before parsing: ocpp-rpc echoes a bad payload back and fails to serialise very deep ones. */
const MAX_DEPTH = 32;

export interface FrameGuardOptions {
  maxFrameBytes: number;
  rate: RateLimitOptions;
  onRefused(kind: 'oversized' | 'rate_limited' | 'rate_abuse' | 'duplicate', detail: Record<string, unknown>): void;
  /** The CALLs answered without ocpp-rpc's per-call machinery (src/ocpp/fastCalls.ts). */
  answer?: CallAnswerer;
}

export function patchClient(client: RPCServerClient, opts: FrameGuardOptions): void {
  const c = client as unknown as PatchableClient;
  const onMessage = c._onMessage.bind(c);
  const sendRaw = c.sendRaw.bind(c);
  const rate = createRateLimit(opts.rate);
  const calls = createAnsweredCalls();
  leanOutboundCalls(client);

  const callError = (id: string, code: string, text: string) => sendRaw(JSON.stringify([4, id, code, text, {}]));
  /** Every reply to a charger's CALL goes out here, so a repeat of that CALL gets the same reply. */
  const reply = (id: string, out: string) => {
    calls.answered(id, out);
    sendRaw(out);
  };

  c.sendRaw = (message: string) => {
    const out = message.startsWith('[4,') ? rewriteCallError(message) : message;
    const id = out.charCodeAt(1) !== 50 ? jsonString(REPLY_ID.exec(out)?.[1]) : undefined;
    if (id === undefined) return sendRaw(out);
    reply(id, out);
  };

  c._onMessage = (buffer: Buffer) => {
    // Decoded once: the id below and the fast path both read it (an oversized frame only its start).
    const text = buffer.length > opts.maxFrameBytes ? buffer.toString('utf8', 0, 512) : buffer.toString('utf8');
    // The id as the charger will read it back: UTF-8, JSON escapes decoded.
    const id = jsonString(CALL_ID.exec(text)?.[1]);
    if (buffer.length > opts.maxFrameBytes) {
      opts.onRefused('oversized', { bytes: buffer.length, messageId: id });
      // Only a CALL is answered; a CALLRESULT or CALLERROR never gets a reply.
      if (id !== undefined) callError(id, 'FormationViolation', `Frame of ${buffer.length} bytes exceeds the limit of ${opts.maxFrameBytes} bytes`);
      return;
    }
    if (nestingExceeds(buffer, MAX_DEPTH)) {
      opts.onRefused('oversized', { depth: `> ${MAX_DEPTH}`, messageId: id });
      if (id !== undefined) callError(id, 'FormationViolation', `Frame nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    const verdict = rate.take();
    if (verdict === 'abuse') {
      opts.onRefused('rate_abuse', { messageId: id });
      void c.close({ code: 1008, reason: 'Message rate limit exceeded' });
      return;
    }
    if (verdict === 'limited') {
      opts.onRefused('rate_limited', { messageId: id });
      if (id !== undefined) callError(id, 'GenericError', `Message rate limit of ${opts.rate.perSecond}/s exceeded; retry later`);
      return;
    }
    // Classified from the parsed frame, so no spelling of a CALL gets past the guard below.
    const frame = parseFrame(text);
    const callId = frame !== undefined && frame[0] === MSG_CALL ? frame[1] : undefined;
    if (typeof callId === 'string') {
      if (callId.length > MAX_MESSAGE_ID) {
        opts.onRefused('oversized', { messageIdLength: callId.length });
        return callError(callId, 'FormationViolation', `Message id longer than ${MAX_MESSAGE_ID} characters`);
      }
      // The same CALL again: answer it once, never process it twice.
      const kept = calls.replyTo(callId);
      if (kept !== undefined) {
        opts.onRefused('duplicate', { messageId: callId, answered: true });
        return sendRaw(kept);
      }
      if (calls.wasAnswered(callId)) {
        // Answered long ago and its reply is gone: refuse rather than process it a second time.
        // GenericError because 1.6 has no code for "already processed", and ProtocolError or
        // FormationViolation would tell the charger its payload is broken, which it is not.
        opts.onRefused('duplicate', { messageId: callId, answered: true, replyKept: false });
        return callError(callId, 'GenericError', 'Message id already answered on this connection; send a new message id');
      }
      if (!calls.started(callId)) return opts.onRefused('duplicate', { messageId: callId, answered: false });
    }
    if (opts.answer && frame !== undefined && answerFast(client as unknown as FastClient, frame, text, opts.answer, reply)) return;
    onMessage(buffer);
  };
}

/** The frame as an array, or undefined when it is not JSON or not an array (ocpp-rpc answers those). */
function parseFrame(text: string): unknown[] | undefined {
  try {
    const frame: unknown = JSON.parse(text);
    return Array.isArray(frame) ? frame : undefined;
  } catch {
    return undefined;
  }
}

function jsonString(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

/** Bracket depth outside strings, in one pass over the bytes. */
function nestingExceeds(buffer: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i++) {
    const b = buffer[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}

function rewriteCallError(message: string): string {
  try {
    const frame = JSON.parse(message);
    if (!Array.isArray(frame) || typeof frame[2] !== 'string') return message;
    const code = toOcpp16ErrorCode(frame[2]);
    if (code === frame[2]) return message;
    frame[2] = code;
    return JSON.stringify(frame);
  } catch {
    return message;
  }
}

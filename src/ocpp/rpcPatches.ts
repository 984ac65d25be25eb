import type { ChargerClient as RPCServerClient } from './rpc.js';
import { toOcpp16ErrorCode } from './errors.js';
import { createRateLimit, type RateLimitOptions } from './rateLimit.js';

/**
 * ocpp-rpc (2.2.x) has no hook before it parses a frame, and sends some CALLERRORs with codes
 * outside the OCPP-J 1.6 list. The guards that must run before parsing (size, rate, a CALL
 * repeated with the same message id) and the error-code fix sit here, on the two internal
 * methods involved, so the rest of the gateway uses the library as documented.
 * test/ocpp/malformed-frames.test.ts and test/ocpp/connection-limits.test.ts fail if a library
 * update changes either method.
 */
interface PatchableClient {
  _onMessage(buffer: Buffer): void;
  sendRaw(message: string): void;
  close(opts: { code: number; reason: string }): Promise<unknown>;
}

const CALL_ID = /^\s*\[\s*2\s*,\s*"((?:[^"\\]|\\.){0,200})"/;
const REPLY_ID = /^\[[34],"((?:[^"\\]|\\.){0,200})"/;
/** Deeper frames are refused before parsing: ocpp-rpc echoes a bad payload back and fails to serialise very deep ones. */
const MAX_DEPTH = 32;
/** Calls a charger may have waiting at once; more would be a misbehaving peer, not a charger. */
const IN_FLIGHT_KEPT = 64;
/** Replies kept whole for a CALL the charger sends again (after a lost reply): the last few suffice. */
const ANSWERED_KEPT = 8;
/**
 * Older answered ids are remembered only as a fingerprint (8 bytes each, 1 KiB per connection).
 * A charger sends its next CALL only once the last is answered or timed out (OCPP-J 1.6 §4.1.1),
 * so a repeat comes within a few calls; 128 calls are minutes to hours of a charger's traffic.
 * 1,024 cost 8 KiB a connection, a third of the per-connection budget.
 */
export const ANSWERED_IDS_KEPT = 128;

export interface FrameGuardOptions {
  maxFrameBytes: number;
  rate: RateLimitOptions;
  onRefused(kind: 'oversized' | 'rate_limited' | 'rate_abuse' | 'duplicate', detail: Record<string, unknown>): void;
}

export function patchClient(client: RPCServerClient, opts: FrameGuardOptions): void {
  const c = client as unknown as PatchableClient;
  const onMessage = c._onMessage.bind(c);
  const sendRaw = c.sendRaw.bind(c);
  const rate = createRateLimit(opts.rate);
  const inFlight = new Set<string>();
  const answered = new Map<string, string>();
  const answeredIds = createIdRing(ANSWERED_IDS_KEPT);

  const callError = (id: string, code: string, text: string) => sendRaw(JSON.stringify([4, id, code, text, {}]));

  c.sendRaw = (message: string) => {
    const out = message.startsWith('[4,') ? rewriteCallError(message) : message;
    const id = out.charCodeAt(1) !== 50 ? jsonString(REPLY_ID.exec(out)?.[1]) : undefined;
    if (id !== undefined && inFlight.delete(id)) {
      answeredIds.add(id);
      answered.set(id, out);
      if (answered.size > ANSWERED_KEPT) answered.delete(answered.keys().next().value as string);
    }
    sendRaw(out);
  };

  c._onMessage = (buffer: Buffer) => {
    // The id as the charger will read it back: UTF-8, JSON escapes decoded.
    const id = jsonString(CALL_ID.exec(buffer.toString('utf8', 0, 512))?.[1]);
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
    if (id !== undefined) {
      // The same CALL again: answer it once, never process it twice.
      const reply = answered.get(id);
      if (reply !== undefined) {
        opts.onRefused('duplicate', { messageId: id, answered: true });
        return sendRaw(reply);
      }
      if (answeredIds.has(id)) {
        // Answered long ago and its reply is gone: refuse rather than process it a second time.
        // GenericError because 1.6 has no code for "already processed", and ProtocolError or
        // FormationViolation would tell the charger its payload is broken, which it is not.
        opts.onRefused('duplicate', { messageId: id, answered: true, replyKept: false });
        return callError(id, 'GenericError', 'Message id already answered on this connection; send a new message id');
      }
      if (inFlight.has(id)) return opts.onRefused('duplicate', { messageId: id, answered: false });
      if (inFlight.size >= IN_FLIGHT_KEPT) inFlight.delete(inFlight.values().next().value as string);
      inFlight.add(id);
    }
    onMessage(buffer);
  };
}

/**
 * A ring of 64-bit fingerprints of message ids (two 32-bit FNV-1a hashes with different seeds):
 * ids themselves would cost ten times the memory. A false match, about 1 in 2^54 per call, would
 * refuse one fresh CALL, which the charger sends again with a new id.
 */
export function createIdRing(size: number) {
  const slots = new Uint32Array(size * 2);
  let next = 0;
  let filled = 0;
  const fingerprint = (id: string): [number, number] => {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const ch = id.charCodeAt(i);
      a = Math.imul(a ^ ch, 0x01000193);
      b = Math.imul(b ^ ch, 0x5bd1e995) ^ (b >>> 15);
    }
    return [a >>> 0, b >>> 0];
  };
  return {
    add(id: string): void {
      const [a, b] = fingerprint(id);
      slots[next * 2] = a;
      slots[next * 2 + 1] = b;
      next = (next + 1) % size;
      filled = Math.min(size, filled + 1);
    },
    has(id: string): boolean {
      const [a, b] = fingerprint(id);
      for (let i = 0; i < filled; i++) if (slots[i * 2] === a && slots[i * 2 + 1] === b) return true;
      return false;
    },
  };
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

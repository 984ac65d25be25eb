/** OCPP-J message types (4.1.3). */
export const MSG_CALL = 2;
export const MSG_CALLRESULT = 3;
export const MSG_CALLERROR = 4;

/** OCPP-J (4.1.3): a message id is at most 36 characters. */
export const MAX_MESSAGE_ID = 36;
/** No OCPP payload nests this deep; deeper frames are refused before parsing. */
export const MAX_DEPTH = 32;

/** Only for frames refused before parsing (too large, too deep, over the rate): their id if it can be read. */
const CALL_ID = /^\s*\[\s*2(?:\.0*)?\s*,\s*"((?:[^"\\]|\\.){0,200})"/;
/** How much of a frame refused unparsed is read for its id. */
const ID_PREFIX_BYTES = 512;

/** The message id of a CALL refused unparsed, as the charger will read it back (UTF-8, JSON escapes decoded). */
export function unparsedCallId(buffer: Buffer): string | undefined {
  const raw = CALL_ID.exec(buffer.toString('utf8', 0, ID_PREFIX_BYTES))?.[1];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

/** Bracket depth outside strings, in one pass over the bytes. */
export function nestingExceeds(buffer: Buffer, max: number): boolean {
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

/** A frame that is not a well-formed OCPP-J message: its code, and the message id to answer under. */
export class FrameError extends Error {
  constructor(
    readonly rpcErrorCode: string,
    message: string,
    readonly messageId = '-1',
    readonly messageType?: number,
  ) {
    super(message);
  }
}

export type Frame =
  | { type: typeof MSG_CALL; id: string; method: unknown; params: unknown }
  | { type: typeof MSG_CALLRESULT; id: string; result: unknown }
  | { type: typeof MSG_CALLERROR; id: string; code: unknown; description: unknown; details: unknown };

/** Reads one OCPP-J message (a CALL's method is checked after the repeat guard), or throws a FrameError saying what is wrong with it (codes spelled as OCPP-J 2.0.1 does). */
export function readFrame(text: string): Frame {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new FrameError('RpcFrameworkError', 'Message must be a JSON structure');
  }
  if (!Array.isArray(payload)) throw new FrameError('RpcFrameworkError', 'Message must be an array');
  const [type, id] = payload;
  if (typeof type !== 'number') throw new FrameError('RpcFrameworkError', 'Message type must be a number');
  // OCPP-J 2.0.1 4.4: an unknown message type is answered, whatever it is.
  if (type !== MSG_CALL && type !== MSG_CALLRESULT && type !== MSG_CALLERROR) throw new FrameError('MessageTypeNotSupported', 'Unrecognised message type');
  if (typeof id !== 'string') throw new FrameError('RpcFrameworkError', 'Message ID must be a string', '-1', type);
  if (type === MSG_CALLRESULT) return { type, id, result: payload[2] };
  if (type === MSG_CALLERROR) return { type, id, code: payload[2], description: payload[3], details: payload[4] };
  return { type, id, method: payload[2], params: payload[3] };
}

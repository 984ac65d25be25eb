// OCPP-J (JSON over WebSocket) framing, OCPP 1.6J spec section 4.
// Kept free of socket code so tests and the bench floor server can reuse it.

export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;

export type CallFrame = [typeof CALL, string, string, unknown];
export type CallResultFrame = [typeof CALLRESULT, string, unknown];
export type CallErrorFrame = [typeof CALLERROR, string, string, string, unknown];
export type Frame = CallFrame | CallResultFrame | CallErrorFrame;

/** The error codes OCPP-J allows in a CALLERROR (spec 4.2.3). */
export type CallErrorCode =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormationViolation'
  | 'PropertyConstraintViolation'
  | 'OccurenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError';

/** A CALLERROR as data: what the peer answered, or what a handler wants answered. */
export class CallError extends Error {
  readonly code: string;
  readonly description: string;
  readonly details: unknown;

  constructor(code: string, description = '', details: unknown = {}) {
    super(description ? `${code}: ${description}` : code);
    this.name = 'CallError';
    this.code = code;
    this.description = description;
    this.details = details;
  }
}

export function encodeCall(id: string, action: string, payload: unknown): string {
  return JSON.stringify([CALL, id, action, payload]);
}

export function encodeResult(id: string, payload: unknown): string {
  return JSON.stringify([CALLRESULT, id, payload]);
}

export function encodeError(id: string, code: string, description = '', details: unknown = {}): string {
  return JSON.stringify([CALLERROR, id, code, description, details]);
}

/**
 * Parses an inbound text frame. Returns the array when the text is a JSON array,
 * otherwise null: deciding whether a malformed frame deserves a CALLERROR is the
 * caller's business, not the parser's.
 */
export function parseFrame(text: string): unknown[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return Array.isArray(value) ? value : null;
}

/** Narrowing helpers: they check shape only, the payload is left to the reader. */
export function isCall(frame: unknown[]): frame is CallFrame {
  return frame[0] === CALL && frame.length === 4 && typeof frame[1] === 'string' && typeof frame[2] === 'string';
}

export function isCallResult(frame: unknown[]): frame is CallResultFrame {
  return frame[0] === CALLRESULT && frame.length === 3 && typeof frame[1] === 'string';
}

export function isCallError(frame: unknown[]): frame is CallErrorFrame {
  return frame[0] === CALLERROR && frame.length === 5 && typeof frame[1] === 'string' && typeof frame[2] === 'string';
}

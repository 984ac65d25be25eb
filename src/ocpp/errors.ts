import { RpcError } from './rpc/errors.js';

/**
 * OCPP-J 1.6 (4.2.3, table 7) error codes, spelled as that spec spells them: the errata
 * (section 5) keeps "FormationViolation" and "OccurenceConstraintViolation" for 1.6.
 */
export const OCPP16_ERROR_CODES = [
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'PropertyConstraintViolation',
  'OccurenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
] as const;

export type Ocpp16ErrorCode = (typeof OCPP16_ERROR_CODES)[number];

/**
 * The 1.6 CALLERROR table: the transport and the schema validator name some failures with
 * OCPP-J 2.0.1 codes or a corrected spelling that a 1.6 charger does not know.
 */
const TO_OCPP16: Record<string, Ocpp16ErrorCode> = {
  RpcFrameworkError: 'FormationViolation',
  MessageTypeNotSupported: 'FormationViolation',
  FormatViolation: 'FormationViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  SecurityError: 'SecurityError',
};

export function toOcpp16ErrorCode(code: string): Ocpp16ErrorCode {
  if ((OCPP16_ERROR_CODES as readonly string[]).includes(code)) return code as Ocpp16ErrorCode;
  return TO_OCPP16[code] ?? 'GenericError';
}

/** OCPP-J 2.0.1 (4.3, table 5) error codes: the spelling of 2.0.1 and 2.1 connections. */
export const OCPP201_ERROR_CODES = [
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
] as const;

export type Ocpp201ErrorCode = (typeof OCPP201_ERROR_CODES)[number];

/** The 2.0.1 CALLERROR table: the schema validator (ocpp-rpc) and 1.6 callers use 1.6 spellings. */
const TO_OCPP201: Record<string, Ocpp201ErrorCode> = {
  FormationViolation: 'FormatViolation',
  OccurenceConstraintViolation: 'OccurrenceConstraintViolation',
};

export function toOcpp201ErrorCode(code: string): Ocpp201ErrorCode {
  if ((OCPP201_ERROR_CODES as readonly string[]).includes(code)) return code as Ocpp201ErrorCode;
  return TO_OCPP201[code] ?? 'GenericError';
}

/** An error a handler throws to answer with a CALLERROR of that code; each version's table spells it for its chargers. */
export function ocppError(code: Ocpp16ErrorCode | Ocpp201ErrorCode, message: string, details: Record<string, unknown> = {}): Error {
  return new RpcError(code, message, details);
}

import { versionOf, type OcppVersion } from './context.js';
import { protocols } from './protocols.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import { CallTimeoutError, isRpcError } from './rpc/errors.js';
import { schemaValidator } from './rpc/validators.js';
import { PASSWORD_LENGTH } from './chargerPassword.js';
import { chargingProfileErrors } from './profileRules.js';

/** What a site owner may send to a 1.6 charger through the API. */
const OCPP16_COMMANDS = [
  'RemoteStartTransaction',
  'RemoteStopTransaction',
  'Reset',
  'UnlockConnector',
  'ChangeAvailability',
  'ChangeConfiguration',
  'GetConfiguration',
  'TriggerMessage',
  'ClearCache',
  'DataTransfer',
  // Reservation
  'ReserveNow',
  'CancelReservation',
  // Smart Charging
  'SetChargingProfile',
  'ClearChargingProfile',
  'GetCompositeSchedule',
  // Firmware Management
  'UpdateFirmware',
  'GetDiagnostics',
  // Local Auth List Management: the version only; the gateway sends the list itself (POST /api/chargers/{id}/local-list/sync)
  'GetLocalListVersion',
  // Security whitepaper edition 3
  'ExtendedTriggerMessage',
  'GetLog',
  'SignedUpdateFirmware',
  'InstallCertificate',
  'GetInstalledCertificateIds',
  'DeleteCertificate',
  'CertificateSigned',
] as const;

/** What a site owner may send to a 2.0.1 or 2.1 charger (the same actions; each version's schema). */
const OCPP201_COMMANDS = [
  'RequestStartTransaction',
  'RequestStopTransaction',
  'Reset',
  'UnlockConnector',
  'ChangeAvailability',
  'GetVariables',
  'SetVariables',
  'TriggerMessage',
  'ClearCache',
  'GetBaseReport',
  'GetReport',
  'GetTransactionStatus',
  'DataTransfer',
  'SetNetworkProfile',
  'CostUpdated',
  'CustomerInformation',
  'SetDisplayMessage',
  'GetDisplayMessages',
  'ClearDisplayMessage',
  'SetMonitoringBase',
  'SetMonitoringLevel',
  'SetVariableMonitoring',
  'ClearVariableMonitoring',
  'GetMonitoringReport',
  'ReserveNow',
  'CancelReservation',
  'SetChargingProfile',
  'ClearChargingProfile',
  'GetCompositeSchedule',
  'GetChargingProfiles',
  'UpdateFirmware',
  'GetLog',
  'GetLocalListVersion',
  'InstallCertificate',
  'GetInstalledCertificateIds',
  'DeleteCertificate',
  'CertificateSigned',
] as const;

export type RemoteCommand = (typeof OCPP16_COMMANDS)[number] | (typeof OCPP201_COMMANDS)[number];

/** The remote commands of each OCPP version; a body is checked against that version's schema. */
export const COMMANDS_BY_VERSION: Readonly<Record<OcppVersion, readonly RemoteCommand[]>> = {
  '1.6': OCPP16_COMMANDS,
  '2.0.1': OCPP201_COMMANDS,
  '2.1': OCPP201_COMMANDS,
};

/** Every action some version allows: anything else is not a command at all. */
export const REMOTE_COMMANDS: readonly RemoteCommand[] = [...new Set(Object.values(COMMANDS_BY_VERSION).flat())];

export const isRemoteCommand = (action: string): action is RemoteCommand => (REMOTE_COMMANDS as readonly string[]).includes(action);

export type CommandErrorCode = 'CHARGER_OFFLINE' | 'COMMAND_INVALID' | 'COMMAND_NOT_SUPPORTED' | 'COMMAND_TIMEOUT' | 'CHARGER_CALL_ERROR' | 'COMMAND_FAILED';

/** Errors as data: the API maps each code to an HTTP status. */
export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface Commands {
  send(chargerId: string, action: RemoteCommand, params: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
}

/**
 * Checks a request against the charger's version before it is sent: an action of another version
 * is COMMAND_NOT_SUPPORTED; a body that breaks the version's JSON schema is COMMAND_INVALID, naming the field.
 */
export function validateCommand(version: OcppVersion, action: RemoteCommand, params: unknown): void {
  const supported = COMMANDS_BY_VERSION[version];
  if (!supported.includes(action)) {
    throw new CommandError('COMMAND_NOT_SUPPORTED', `OCPP ${version} has no ${action}; supported: ${supported.join(', ')}`, {
      ocppVersion: version,
      supported,
    });
  }
  checkAuthorizationKey(action, params);
  try {
    schemaValidator(`ocpp${version}`).request(action, params);
  } catch (err: any) {
    // Only a schema violation carries `errors`; anything else (a schema missing) is ours, not the body's.
    if (!Array.isArray(err?.details?.errors)) throw err;
    const errors = (err.details.errors as any[]).map((e) => ({
      field: [e.instancePath?.replace(/^\//, '').replace(/\//g, '.'), e.params?.missingProperty ?? e.params?.additionalProperty]
        .filter(Boolean)
        .join('.') || '(body)',
      message: e.message,
    }));
    throw new CommandError('COMMAND_INVALID', `Invalid OCPP ${version} ${action} request: ${err.message}`, { errors });
  }
  const errors = chargingProfileErrors(version, action, params);
  if (errors.length > 0) throw new CommandError('COMMAND_INVALID', `Invalid OCPP ${version} ${action} request: ${errors[0].field} ${errors[0].message}`, { errors });
}

/** 1.6 security whitepaper: an AuthorizationKey is 16 to 20 bytes, sent as 32 to 40 hex digits. */
function checkAuthorizationKey(action: RemoteCommand, params: any): void {
  if (action !== 'ChangeConfiguration' || params?.key !== 'AuthorizationKey') return;
  const { min, max } = PASSWORD_LENGTH;
  if (typeof params.value === 'string' && new RegExp(`^(?:[0-9a-fA-F]{2}){${min},${max}}$`).test(params.value)) return;
  throw new CommandError('COMMAND_INVALID', `AuthorizationKey must be ${min} to ${max} bytes in hex`, {
    errors: [{ field: 'value', message: `must be ${min * 2} to ${max * 2} hex digits (${min}–${max} bytes)` }],
  });
}

export function createCommands(registry: ConnectionRegistry, defaultTimeoutMs: number): Commands {
  return {
    async send(chargerId, action, params, timeoutMs = defaultTimeoutMs) {
      const client = registry.get(chargerId);
      if (!client) throw new CommandError('CHARGER_OFFLINE', `Charger ${chargerId} is not connected`);
      // Against the version this very connection negotiated, wherever the request came from.
      validateCommand(versionOf(client.protocol), action, params);
      try {
        return await client.call(action, params, { callTimeoutMs: timeoutMs });
      } catch (err: any) {
        throw toCommandError(err, action, protocols[client.protocol].errors);
      }
    },
  };
}

/** `errors` is the charger's version's CALLERROR table: a 2.0.1 code keeps its 2.0.1 spelling. */
function toCommandError(err: any, action: string, errors: (code: string) => string): CommandError {
  if (err instanceof CallTimeoutError) return new CommandError('COMMAND_TIMEOUT', `The charger did not answer ${action} in time`);
  if (isRpcError(err)) {
    return new CommandError('CHARGER_CALL_ERROR', `The charger answered ${action} with an error`, {
      errorCode: errors(err.rpcErrorCode),
      errorDescription: err.message,
    });
  }
  return new CommandError('COMMAND_FAILED', `${action} could not be delivered: ${err?.message ?? String(err)}`);
}

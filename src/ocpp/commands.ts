import { createRequire } from 'node:module';
import { toOcpp16ErrorCode } from './errors.js';
import type { Registry } from './registry.js';

/** Actions a site owner may send to a charger through the API. */
export const REMOTE_COMMANDS = [
  'RemoteStartTransaction',
  'RemoteStopTransaction',
  'Reset',
  'UnlockConnector',
  'ChangeAvailability',
  'ChangeConfiguration',
  'GetConfiguration',
  'TriggerMessage',
  'ClearCache',
] as const;

export type RemoteCommand = (typeof REMOTE_COMMANDS)[number];

export type CommandErrorCode = 'CHARGER_OFFLINE' | 'COMMAND_INVALID' | 'COMMAND_TIMEOUT' | 'CHARGER_CALL_ERROR' | 'COMMAND_FAILED';

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

interface SchemaValidator {
  subprotocol: string;
  validate(schemaId: string, params: unknown): void;
}
const validators: SchemaValidator[] = createRequire(import.meta.url)('ocpp-rpc/lib/standard-validators');
const ocpp16 = validators.find((v) => v.subprotocol === 'ocpp1.6') as SchemaValidator;

/** Checks a request against the OCPP 1.6 JSON schema before it is sent; errors name the field. */
export function validateCommand(action: RemoteCommand, params: unknown): void {
  try {
    ocpp16.validate(`urn:${action}.req`, params);
  } catch (err: any) {
    const errors = ((err?.details?.errors ?? []) as any[]).map((e) => ({
      field: [e.instancePath?.replace(/^\//, '').replace(/\//g, '.'), e.params?.missingProperty ?? e.params?.additionalProperty]
        .filter(Boolean)
        .join('.') || '(body)',
      message: e.message,
    }));
    throw new CommandError('COMMAND_INVALID', `Invalid ${action} request: ${err?.message ?? 'schema violation'}`, { errors });
  }
}

export function createCommands(registry: Registry, defaultTimeoutMs: number): Commands {
  return {
    async send(chargerId, action, params, timeoutMs = defaultTimeoutMs) {
      const client = registry.get(chargerId);
      validateCommand(action, params);
      if (!client) throw new CommandError('CHARGER_OFFLINE', `Charger ${chargerId} is not connected`);
      try {
        return await client.call(action, params, { callTimeoutMs: timeoutMs });
      } catch (err: any) {
        throw toCommandError(err, action);
      }
    },
  };
}

function toCommandError(err: any, action: string): CommandError {
  // ocpp-rpc's TimeoutError does not set `name`, and it is not a named ESM export: match the class name.
  if (err?.constructor?.name === 'TimeoutError') return new CommandError('COMMAND_TIMEOUT', `The charger did not answer ${action} in time`);
  if (err?.rpcErrorCode) {
    return new CommandError('CHARGER_CALL_ERROR', `The charger answered ${action} with an error`, {
      errorCode: toOcpp16ErrorCode(err.rpcErrorCode),
      // `message` holds the charger's errorDescription; `rpcErrorMessage` is the class's generic text.
      errorDescription: err.message || err.rpcErrorMessage,
    });
  }
  return new CommandError('COMMAND_FAILED', `${action} could not be delivered: ${err?.message ?? String(err)}`);
}

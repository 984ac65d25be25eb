import { toOcpp16ErrorCode } from './errors.js';
import type { Registry } from './registry.js';
import { CallTimeoutError, isRpcError } from './rpc/errors.js';
import { schemaValidator } from './rpc/validators.js';

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

const ocpp16 = schemaValidator('ocpp1.6');

/** Checks a request against the OCPP 1.6 JSON schema before it is sent; errors name the field. */
export function validateCommand(action: RemoteCommand, params: unknown): void {
  try {
    ocpp16.request(action, params);
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
  if (err instanceof CallTimeoutError) return new CommandError('COMMAND_TIMEOUT', `The charger did not answer ${action} in time`);
  if (isRpcError(err)) {
    return new CommandError('CHARGER_CALL_ERROR', `The charger answered ${action} with an error`, {
      errorCode: toOcpp16ErrorCode(err.rpcErrorCode),
      errorDescription: err.message,
    });
  }
  return new CommandError('COMMAND_FAILED', `${action} could not be delivered: ${err?.message ?? String(err)}`);
}

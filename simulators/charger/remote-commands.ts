// What the simulated charger answers when the central system calls it. One
// function per action, looked up in a table; tests override single entries with
// SimCharger.onCall. Anything absent here is answered with NotImplemented.

import { CallError, encodeError, encodeResult } from './frames.js';

/** The part of a charger the default answers need: its configuration keys. */
export interface ConfigurableCharger {
  readonly configuration: Map<string, string>;
}

export type RemoteCommandHandler = (payload: any, charger: ConfigurableCharger) => object | Promise<object>;

const accepted = () => ({ status: 'Accepted' });

export const defaultRemoteCommands: ReadonlyMap<string, RemoteCommandHandler> = new Map<string, RemoteCommandHandler>([
  ['RemoteStartTransaction', accepted],
  ['RemoteStopTransaction', accepted],
  ['Reset', accepted],
  ['UnlockConnector', () => ({ status: 'Unlocked' })],
  ['ChangeAvailability', accepted],
  ['ChangeConfiguration', changeConfiguration],
  ['GetConfiguration', getConfiguration],
  ['TriggerMessage', accepted],
  ['ClearCache', accepted],
]);

function changeConfiguration(payload: { key?: unknown; value?: unknown }, charger: ConfigurableCharger): object {
  if (typeof payload?.key === 'string') charger.configuration.set(payload.key, String(payload.value ?? ''));
  return { status: 'Accepted' };
}

// Without a key list the spec asks for every key the charger knows.
function getConfiguration(payload: { key?: unknown }, charger: ConfigurableCharger): object {
  const asked = Array.isArray(payload?.key) && payload.key.length > 0 ? payload.key.map(String) : [...charger.configuration.keys()];
  const configurationKey: { key: string; readonly: boolean; value: string }[] = [];
  const unknownKey: string[] = [];
  for (const key of asked) {
    const value = charger.configuration.get(key);
    if (value === undefined) unknownKey.push(key);
    else configurationKey.push({ key, readonly: false, value });
  }
  return { configurationKey, unknownKey };
}

/**
 * The frame answering a server CALL: the override if any, else the default,
 * else NotImplemented. A handler throwing a CallError answers with that error;
 * anything else it throws is a simulator bug and answers InternalError.
 */
export async function replyToCall(
  id: string,
  action: string,
  payload: unknown,
  charger: ConfigurableCharger,
  override?: RemoteCommandHandler,
): Promise<string> {
  const handler = override ?? defaultRemoteCommands.get(action);
  if (!handler) return encodeError(id, 'NotImplemented', `${action} is not implemented by the simulator`);
  try {
    return encodeResult(id, await handler(payload, charger));
  } catch (err) {
    if (err instanceof CallError) return encodeError(id, err.code, err.description, err.details);
    return encodeError(id, 'InternalError', err instanceof Error ? err.message : String(err));
  }
}

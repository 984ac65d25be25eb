// What the simulated charger answers when the central system calls it. One
// function per action, looked up in a table per version (this one is 1.6; 2.0.1's is
// v201/remote-commands.ts); tests override single entries with SimCharger.onCall.
// Anything absent is answered with NotImplemented.

import { CallError, encodeError, encodeResult } from './frames.js';
import { DEFAULT_LIMITS, type LocalList } from './local-list.js';

/** The part of a charger the default answers need: its configuration keys and its local list. */
export interface ConfigurableCharger {
  readonly configuration: Map<string, string>;
  readonly localList: LocalList;
}

/** Work a command starts once its answer is on the wire (a remote start's TransactionEvent, a report). */
export type FollowUp = () => unknown;

/** Answers one server CALL; `after` schedules what the charger does once the answer is sent. */
export type RemoteCommandHandler<C = ConfigurableCharger> = (
  payload: any,
  charger: C,
  after: (task: FollowUp) => void,
) => object | Promise<object>;

export interface Reply {
  frame: string;
  followUps: FollowUp[];
}

const accepted = () => ({ status: 'Accepted' });

/** Commands every version answers alike: their answer is just a status. */
export const statusOnlyCommands: readonly [string, RemoteCommandHandler<any>][] = [
  ['Reset', accepted],
  ['UnlockConnector', () => ({ status: 'Unlocked' })],
  ['ChangeAvailability', accepted],
  ['ClearCache', accepted],
  // No vendor extensions here (both versions: 1.6 §6.17, 2.0.1 P01).
  ['DataTransfer', () => ({ status: 'UnknownVendorId' })],
];

export const defaultRemoteCommands: ReadonlyMap<string, RemoteCommandHandler> = new Map<string, RemoteCommandHandler>([
  ...statusOnlyCommands,
  ['RemoteStartTransaction', accepted],
  ['RemoteStopTransaction', accepted],
  ['ChangeConfiguration', changeConfiguration],
  ['GetConfiguration', getConfiguration],
  ['TriggerMessage', accepted],
  ['GetLocalListVersion', getLocalListVersion],
  ['SendLocalList', sendLocalList],
]);

const listEnabled = (charger: ConfigurableCharger) => charger.configuration.get('LocalAuthListEnabled')?.toLowerCase() === 'true';
const keyNumber = (charger: ConfigurableCharger, key: string, fallback: number) => Number(charger.configuration.get(key) ?? fallback);

// -1: the list is not enabled (1.6 section 6.35); 0 when nothing was sent yet.
function getLocalListVersion(_payload: unknown, charger: ConfigurableCharger): object {
  return { listVersion: listEnabled(charger) ? charger.localList.version : -1 };
}

function sendLocalList(payload: { listVersion: number; updateType: string; localAuthorizationList?: { idTag: string; idTagInfo?: { status: string; expiryDate?: string } }[] }, charger: ConfigurableCharger): object {
  if (!listEnabled(charger)) return { status: 'NotSupported' };
  const items = (payload.localAuthorizationList ?? []).map((e) => ({ idTag: e.idTag, ...(e.idTagInfo && { info: e.idTagInfo }) }));
  const limits = {
    maxLength: keyNumber(charger, 'LocalAuthListMaxLength', DEFAULT_LIMITS.maxLength),
    perMessage: keyNumber(charger, 'SendLocalListMaxLength', DEFAULT_LIMITS.perMessage),
  };
  return { status: charger.localList.apply(payload.updateType, payload.listVersion, items, limits) };
}

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
 * The frame answering a server CALL with `handler` (the override or the version's
 * default), or NotImplemented without one, plus the follow-ups it scheduled. A handler
 * throwing a CallError answers with that error; anything else it throws is a simulator
 * bug and answers InternalError. Follow-ups of a failed handler are dropped.
 */
export async function replyToCall<C>(
  id: string,
  action: string,
  payload: unknown,
  charger: C,
  handler: RemoteCommandHandler<C> | undefined,
): Promise<Reply> {
  if (!handler) return { frame: encodeError(id, 'NotImplemented', `${action} is not implemented by the simulator`), followUps: [] };
  const followUps: FollowUp[] = [];
  try {
    const result = await handler(payload, charger, (task) => followUps.push(task));
    return { frame: encodeResult(id, result), followUps };
  } catch (err) {
    if (err instanceof CallError) return { frame: encodeError(id, err.code, err.description, err.details), followUps: [] };
    return { frame: encodeError(id, 'InternalError', err instanceof Error ? err.message : String(err)), followUps: [] };
  }
}

import type { ListUpdate } from '../../authorization/localList.js';
import type { LocalListEntry } from '../../store/localLists.js';
import type { ChargerConnection } from '../connectionRegistry.js';

/** What a charger says of its Local Authorization List before anything is sent. */
export type Capabilities =
  | { supported: true; maxLength: number | null; sendMaxLength: number | null; bytesPerMessage: number | null }
  | { supported: false; answer: string };

export interface ListMessage {
  version: number;
  updateType: 'Full' | 'Differential';
  updates: ListUpdate[];
}

/** One OCPP version's messages for the list; the sync (sync.ts) is the same for every version. */
export interface ListProtocol {
  /** 1.6 GetConfiguration keys, 2.0.1 LocalAuthListCtrlr variables; a disabled list is enabled. */
  capabilities(client: ChargerConnection, timeoutMs: number): Promise<Capabilities>;
  /** GetLocalListVersion. */
  version(client: ChargerConnection, timeoutMs: number): Promise<number>;
  /** SendLocalList; resolves with the charger's status. */
  send(client: ChargerConnection, message: ListMessage, timeoutMs: number): Promise<string>;
  /** Whether the version's messages can carry the entry (1.6: idTag and parentIdTag are CiString20); others are left out. */
  carries(entry: LocalListEntry): boolean;
  /** Entries per SendLocalList for these capabilities. */
  perMessage(caps: Capabilities & { supported: true }): number | null;
  /**
   * Asks for the list's capacity where capabilities() cannot read it (2.0.1: Entries' maxLimit comes
   * in a NotifyReport after GetReport, and the report's handler records it and syncs again).
   */
  askMaximum?(client: ChargerConnection, timeoutMs: number): Promise<void>;
}

/** A boolean configuration value as chargers spell it. */
export const isTrue = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/** A whole number the charger reported, or null when it said nothing usable. */
export function count(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

import type { Envelope } from './envelope.js';

/**
 * Who hears of the events a unit of work emits (the notifications recorder, set at start-up).
 * `wanted` runs inside the database transaction, so it answers from memory; `ready` runs before
 * it and brings that memory up to date.
 */
export interface EventSink {
  /** A promise only when `wanted` needs a reload first (SQLite's one connection is held inside). */
  ready(): Promise<void> | undefined;
  /** Whether anyone wants this event written: nobody means no row at all. */
  wanted(e: Envelope): boolean;
  /** After commit, with the events the unit wrote; never for a unit rolled back. */
  published(events: Envelope[]): Promise<void>;
}

/** Until the recorder is set (and for stores opened without one): no event is wanted. */
export const NOBODY: EventSink = { ready: () => undefined, wanted: () => false, published: async () => undefined };

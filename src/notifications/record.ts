import { randomUUID } from 'node:crypto';
import type { EventSink } from '../store/unitOfWork.js';
import type { CatalogueEnvelope, EventData, EventType } from './catalogue.js';
import type { Envelope } from '../store/envelope.js';
import { CATALOGUE } from './catalogue.js';
import type { Interest } from './interest.js';

export function envelope<T extends EventType>(type: T, installationId: string, chargerId: string | undefined, data: EventData<T>): CatalogueEnvelope<T> {
  return {
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    version: CATALOGUE[type].version,
    installationId,
    ...(chargerId !== undefined && { chargerId }),
    data,
  };
}

/**
 * Decides which events a unit of work (`store.transact`) writes and hands them on after commit.
 * Events nobody subscribed to and no live stream watches are not written at all, so the
 * charger's path pays nothing for them.
 */
export function createRecorder(deps: {
  interest: Interest;
  /** An open live stream of this installation (its events are stored for it, but not handed to the delivery thread). */
  watched?(installationId: string): boolean;
  published(envelopes: Envelope[]): Promise<void>;
}): Recorder {
  const watched = deps.watched ?? (() => false);
  // Runs inside the transaction: it must not touch the database (SQLite has one connection,
  // which the transaction holds), so it reads the subscription list already in memory.
  const subscribed = (e: Envelope) => deps.interest.matchingNow(e).length > 0;

  /** Whether anyone may want these events here, from memory; undefined when the list is due for a reload. */
  const known = (installationId: string, types: readonly EventType[]) => watched(installationId) || deps.interest.anyForNow(installationId, types);

  return {
    wants: async (installationId, type) => known(installationId, [type]) ?? deps.interest.fresh().then(() => known(installationId, [type]) ?? true),
    quiet: (installationId, types) => known(installationId, types) === false,
    ready: () => (deps.interest.stale() ? deps.interest.fresh() : undefined),
    wanted: (e) => watched(e.installationId) || subscribed(e),
    // A gateway with only live streams and no subscriptions starts no delivery thread.
    published: (written) => deps.published(written.filter(subscribed)),
  };
}

export interface Recorder extends EventSink {
  /** Whether anyone could want events of this type here: lets callers skip building them. */
  wants(installationId: string, type: EventType): Promise<boolean>;
  /** True when nobody can want these events here now (answered from memory): callers skip building them. */
  quiet(installationId: string, types: readonly EventType[]): boolean;
}

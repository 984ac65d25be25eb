import { randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';
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

export type EventsOf<T> = (result: T) => Envelope[];

/**
 * Runs a state change and writes the events it causes in the same database transaction: no
 * event without its change, no change without its event. Events nobody subscribed to and no
 * live stream watches are not written at all, so the charger's path pays nothing for them.
 * `published` runs after commit, with the events subscriptions want.
 */
export function createRecorder(deps: {
  interest: Interest;
  /** An open live stream of this installation (its events are stored for it, but not handed to the delivery thread). */
  watched?(installationId: string): boolean;
  published(envelopes: Envelope[]): Promise<void>;
}) {
  const watched = deps.watched ?? (() => false);
  // Runs inside the transaction: it must not touch the database (SQLite has one connection,
  // which the transaction holds), so it reads the subscription list already in memory.
  const subscribed = (e: Envelope) => deps.interest.matchingNow(e).length > 0;
  const wanted = (envelopes: Envelope[]) => envelopes.filter((e) => watched(e.installationId) || subscribed(e));

  /** Whether anyone may want these events here, from memory; undefined when the list is due for a reload. */
  const known = (installationId: string, types: readonly EventType[]) => watched(installationId) || deps.interest.anyForNow(installationId, types);
  /** The same, reloading the list first when it is due: no promise in the usual case. */
  const anyone = (installationId: string, types: readonly EventType[]): boolean | Promise<boolean> =>
    known(installationId, types) ?? deps.interest.fresh().then(() => known(installationId, types) ?? true);

  return {
    /** Whether anyone could want events of this type here: lets callers skip building them. */
    wants: async (installationId: string, type: EventType) => anyone(installationId, [type]),

    /** True when nobody can want these events here now (answered from memory): callers skip building them. */
    quiet: (installationId: string, types: readonly EventType[]) => known(installationId, types) === false,

    async withEvents<T>(store: Store, types: readonly EventType[], installationId: string, change: (tx: Store) => Promise<T>, events: EventsOf<T>): Promise<T> {
      const any = anyone(installationId, types);
      if (!(typeof any === 'boolean' ? any : await any)) return store.batched(change);
      let written: Envelope[] = [];
      const result = await store.transact(async (tx) => {
        const r = await change(tx);
        written = wanted(events(r));
        await tx.events.insert(tx.db, written);
        return r;
      });
      // A gateway with only live streams and no subscriptions starts no delivery thread.
      await deps.published(written.filter(subscribed));
      return result;
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;

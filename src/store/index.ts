import { openStore, type Db, type OpenStoreOptions, type StoreHandle } from './db.js';
import type { Dialect } from './dialect.js';
import { installationStore } from './installations.js';
import { chargerStore } from './chargers.js';
import { idTagStore } from './idTags.js';
import { transactionStore } from './transactions.js';
import { meterValueStore } from './meterValues.js';
import { transactionEventStore } from './transactionEvents.js';
import { anomalyStore } from './anomalies.js';
import { securityEventStore } from './securityEvents.js';
import { apiTokenStore } from './apiTokens.js';
import { outboxStore } from './outbox.js';
import { eventLogStore } from './eventLog.js';
import { subscriptionStore } from './subscriptions.js';
import { deliveryStore } from './deliveries.js';
import { deliveryCursors } from './deliveryCursors.js';
import { nodeCallStore, nodeStore } from './nodes.js';
import { userStore } from './users.js';
import { userSessionStore } from './userSessions.js';
import { secondFactorStore } from './secondFactor.js';
import { failureStore } from './failures.js';
import { auditStore } from './audit.js';
import { localListStore } from './localLists.js';
import { reservationStore } from './reservations.js';
import { chargingProfileStore } from './chargingProfiles.js';
import { decisionCountStore } from './decisionCounts.js';
import { dashboardStore } from './dashboard.js';
import { ocpiPartnerStore } from './ocpiPartners.js';
import { ocpiTokenStore } from './ocpiTokens.js';
import { authSourceStore } from './authSources.js';
import { locationStore } from './locations.js';
import type { SecretBox } from '../secrets.js';
import { createCommitGroups } from './commitGroups.js';
import { sealedSecretStore } from './reseal.js';
import { installationTransferStore } from './installationTransfer.js';
import type { Envelope } from './envelope.js';
import type { AuditInput } from './audit.js';
import { NOBODY, type EventSink } from './unitOfWork.js';

const factories = {
  installations: (db: Db, _d: Dialect, box: SecretBox) => installationStore(db, box),
  chargers: (db: Db) => chargerStore(db),
  idTags: (db: Db) => idTagStore(db),
  transactions: (db: Db, d: Dialect) => transactionStore(db, d),
  meterValues: (db: Db) => meterValueStore(db),
  transactionEvents: (db: Db) => transactionEventStore(db),
  anomalies: (db: Db) => anomalyStore(db),
  securityEvents: (db: Db) => securityEventStore(db),
  apiTokens: (db: Db) => apiTokenStore(db),
  outbox: (db: Db, dialect: Dialect) => outboxStore(db, dialect),
  events: (db: Db, dialect: Dialect) => eventLogStore(db, dialect),
  subscriptions: (db: Db, _d: Dialect, box: SecretBox, logDb: Db) => subscriptionStore(db, box, deliveryCursors(logDb)),
  deliveries: (_db: Db, _d: Dialect, _b: SecretBox, logDb: Db) => deliveryStore(logDb),
  nodes: (db: Db) => nodeStore(db),
  nodeCalls: (db: Db) => nodeCallStore(db),
  users: (db: Db) => userStore(db),
  userSessions: (db: Db) => userSessionStore(db),
  secondFactor: (db: Db, _d: Dialect, box: SecretBox) => secondFactorStore(db, box),
  loginFailures: (db: Db, dialect: Dialect) => failureStore(db, dialect, 'login_failures'),
  chargerAuthFailures: (db: Db, dialect: Dialect) => failureStore(db, dialect, 'charger_auth_failures'),
  auditLog: (db: Db) => auditStore(db),
  localLists: (db: Db) => localListStore(db),
  reservations: (db: Db) => reservationStore(db),
  chargingProfiles: (db: Db) => chargingProfileStore(db),
  decisionCounts: (db: Db) => decisionCountStore(db),
  dashboard: (db: Db) => dashboardStore(db),
  ocpiPartners: (db: Db, _d: Dialect, box: SecretBox) => ocpiPartnerStore(db, box),
  ocpiTokens: (db: Db) => ocpiTokenStore(db),
  authSources: (db: Db) => authSourceStore(db),
  locations: (db: Db) => locationStore(db),
  sealedSecrets: (db: Db) => sealedSecretStore(db),
  installationTransfer: (db: Db, _d: Dialect, box: SecretBox) => installationTransferStore(db, box),
};
type Modules = { [K in keyof typeof factories]: ReturnType<(typeof factories)[K]> };

/**
 * Each module is built on first use, then kept on the store. A transaction touches two or three
 * of them; building them all for every transaction showed in the charger path's CPU profile
 * under event load (docs/bench-log/2026-11.md).
 */
const lazyModules: object = Object.create(null);
for (const key of Object.keys(factories) as (keyof Modules)[]) {
  Object.defineProperty(lazyModules, key, {
    get(this: StoreHandle & { box: SecretBox }) {
      const value = factories[key](this.db, this.dialect, this.box, this.logDb);
      Object.defineProperty(this, key, { value, enumerable: true });
      return value;
    },
  });
}

export type Store = StoreHandle &
  Modules & {
    /**
     * Runs `fn` as one unit of work: every module bound to one database transaction, with the
     * audit entries and events of the change, so they commit together or not at all. Events are
     * published after commit. Inside a unit, runs in it.
     */
    transact<T>(fn: (tx: Unit) => Promise<T>): Promise<T>;
    /**
     * Runs `fn` where its writes cost least: on SQLite in the next commit group (a charger's writes
     * then share one COMMIT with those of the same event-loop turn); elsewhere as it comes.
     */
    batched<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
    /** Where units publish their events from now on (set once, by the composition root). */
    publishTo(sink: EventSink): void;
  };

/** A store inside one unit of work (`store.transact`). */
export type Unit = Store & {
  /** Writes `event` with this unit when anyone wants it (asked now, from memory); published after commit. */
  emit(event: Envelope): void;
  /** Writes an audit entry with this unit's change. */
  audit(entry: AuditInput): Promise<void>;
};

/** What every store of one database shares: where events go. */
interface Hub {
  sink: EventSink;
}

export function storeModules(handle: StoreHandle, box: SecretBox, hub: Hub = { sink: NOBODY }): Store {
  const store = Object.create(lazyModules) as Store;
  // SQLite commits the transactions of one event-loop turn together (commitGroups.ts);
  // PostgreSQL runs them side by side on its pool instead.
  const groups = handle.sqlite && !handle.db.isTransaction ? createCommitGroups(handle.db, handle.sqlite) : undefined;

  async function unit<T>(fn: (tx: Unit) => Promise<T>): Promise<T> {
    const ready = hub.sink.ready();
    if (ready) await ready;
    let written: Envelope[] = [];
    const bound = async (trx: Db) => {
      // The log joins the transaction where it shares the database (PostgreSQL).
      const tx = unitOn(storeModules({ ...handle, db: trx, logDb: handle.logDb === handle.db ? trx : handle.logDb }, box, hub), hub);
      const result = await fn(tx);
      await tx.events.insert(trx, tx.emitted);
      written = tx.emitted;
      return result;
    };
    const result = await (groups ? groups.join(bound) : handle.db.transaction().execute(bound));
    if (written.length > 0) await hub.sink.published(written);
    return result;
  }

  return Object.assign(store, handle, {
    box,
    transact<T>(fn: (tx: Unit) => Promise<T>): Promise<T> {
      return handle.db.isTransaction ? fn(store as Unit) : unit(fn);
    },
    batched<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      return groups ? store.transact(fn) : fn(store);
    },
    publishTo(sink: EventSink): void {
      hub.sink = sink;
    },
  });
}

/** Adds the unit's own writes to a store bound to its transaction. */
function unitOn(tx: Store, hub: Hub): Unit & { emitted: Envelope[] } {
  const emitted: Envelope[] = [];
  return Object.assign(tx, {
    emitted,
    emit(event: Envelope): void {
      if (hub.sink.wanted(event)) emitted.push(event);
    },
    audit: (entry: AuditInput) => tx.auditLog.record(entry),
  });
}

export async function createStore(opts: OpenStoreOptions & { secretBox: SecretBox }): Promise<Store> {
  return storeModules(await openStore(opts), opts.secretBox);
}

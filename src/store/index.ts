import { openStore, type Db, type OpenStoreOptions, type StoreHandle } from './db.js';
import { installationStore } from './installations.js';
import { chargerStore } from './chargers.js';
import { idTagStore } from './idTags.js';
import { transactionStore } from './transactions.js';
import { meterValueStore } from './meterValues.js';
import { anomalyStore } from './anomalies.js';
import { apiTokenStore } from './apiTokens.js';
import { outboxStore } from './outbox.js';
import { eventStore } from './events.js';
import { subscriptionStore } from './subscriptions.js';
import { deliveryStore } from './deliveries.js';
import { userStore } from './users.js';
import { userSessionStore } from './userSessions.js';
import { secondFactorStore } from './secondFactor.js';
import { loginFailureStore } from './loginFailures.js';
import { auditStore } from './audit.js';
import type { SecretBox } from '../secrets.js';

function modules(db: Db, dialect: StoreHandle['dialect'], box: SecretBox) {
  return {
    installations: installationStore(db, box),
    chargers: chargerStore(db),
    idTags: idTagStore(db),
    transactions: transactionStore(db),
    meterValues: meterValueStore(db),
    anomalies: anomalyStore(db),
    apiTokens: apiTokenStore(db),
    outbox: outboxStore(db, dialect),
    events: eventStore(db, dialect),
    subscriptions: subscriptionStore(db, box),
    deliveries: deliveryStore(db),
    users: userStore(db),
    userSessions: userSessionStore(db),
    secondFactor: secondFactorStore(db, box),
    loginFailures: loginFailureStore(db),
    audit: auditStore(db),
  };
}

export type Store = StoreHandle &
  ReturnType<typeof modules> & {
    /**
     * Runs `fn` with every module bound to one database transaction, so a state change and
     * the events it causes commit together or not at all. Inside a transaction, runs in it.
     */
    transact<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  };

export function storeModules(handle: StoreHandle, box: SecretBox): Store {
  const store: Store = {
    ...handle,
    ...modules(handle.db, handle.dialect, box),
    transact(fn) {
      if (handle.db.isTransaction) return fn(store);
      return handle.db.transaction().execute((trx) => fn(storeModules({ ...handle, db: trx }, box)));
    },
  };
  return store;
}

export async function createStore(opts: OpenStoreOptions & { secretBox: SecretBox }): Promise<Store> {
  return storeModules(await openStore(opts), opts.secretBox);
}

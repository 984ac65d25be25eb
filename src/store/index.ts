import { openStore, type OpenStoreOptions, type StoreHandle } from './db.js';
import { installationStore } from './installations.js';
import { chargerStore } from './chargers.js';
import { idTagStore } from './idTags.js';
import { transactionStore } from './transactions.js';
import { meterValueStore } from './meterValues.js';
import { anomalyStore } from './anomalies.js';
import { apiTokenStore } from './apiTokens.js';

export function storeModules(handle: StoreHandle) {
  const { db } = handle;
  return {
    ...handle,
    installations: installationStore(db),
    chargers: chargerStore(db),
    idTags: idTagStore(db),
    transactions: transactionStore(db),
    meterValues: meterValueStore(db),
    anomalies: anomalyStore(db),
    apiTokens: apiTokenStore(db),
  };
}

export type Store = ReturnType<typeof storeModules>;

export async function createStore(opts: OpenStoreOptions): Promise<Store> {
  return storeModules(await openStore(opts));
}

import { openStore, type OpenStoreOptions, type StoreHandle } from './db.js';
import { installationStore } from './installations.js';
import { chargerStore } from './chargers.js';
import { idTagStore } from './idTags.js';
import { transactionStore } from './transactions.js';
import { meterValueStore } from './meterValues.js';
import { anomalyStore } from './anomalies.js';
import { apiTokenStore } from './apiTokens.js';
import { outboxStore } from './outbox.js';
import type { SecretBox } from '../secrets.js';

export function storeModules(handle: StoreHandle, box: SecretBox) {
  const { db } = handle;
  return {
    ...handle,
    installations: installationStore(db, box),
    chargers: chargerStore(db),
    idTags: idTagStore(db),
    transactions: transactionStore(db),
    meterValues: meterValueStore(db),
    anomalies: anomalyStore(db),
    apiTokens: apiTokenStore(db),
    outbox: outboxStore(db, handle.dialect),
  };
}

export type Store = ReturnType<typeof storeModules>;

export async function createStore(opts: OpenStoreOptions & { secretBox: SecretBox }): Promise<Store> {
  return storeModules(await openStore(opts), opts.secretBox);
}

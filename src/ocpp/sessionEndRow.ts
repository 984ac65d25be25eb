import type { OcppDeps } from './context.js';
import type { Db } from '../store/db.js';
import type { Store } from '../store/index.js';
import type { Transaction } from '../store/transactions.js';
import { PROVIDER_MODE } from '../store/installations.js';
import { sessionEndItem } from '../providers/sessionEnd.js';
import { ownParty } from '../ocpi/party.js';
import { roamingPushes } from '../ocpi/sessions.js';

/**
 * What a stop writes for the provider's session-end call and a roaming partner's session, in the
 * stop's own database transaction (never one without the other); undefined when neither applies.
 */
/**
 * A roaming partner's Session, pushed once its transaction started (the stop's push is in
 * sessionEndWriter); `store` must be the start's own database transaction.
 */
export async function roamingStartWriter(deps: OcppDeps, store: Store, tx: Transaction): Promise<boolean> {
  const party = ownParty(deps.config);
  const pushes = party && !tx.stop ? roamingPushes(tx, party, deps.config.ocpiCurrency) : [];
  for (const push of pushes) await store.outbox.enqueue(store.db, push);
  return pushes.length > 0;
}

export async function sessionEndWriter(deps: OcppDeps, installationId: string) {
  const settings = await deps.settings.get(installationId);
  const notifyProvider = settings?.mode === PROVIDER_MODE && settings.sessionEndUrl;
  const party = ownParty(deps.config);
  if (!notifyProvider && !party) return undefined;
  return async (trx: Db, tx: Transaction) => {
    if (notifyProvider) await deps.store.outbox.enqueue(trx, sessionEndItem(tx));
    // A roaming partner's session and CDR go to it for billing, from the same transaction.
    for (const push of party ? roamingPushes(tx, party, deps.config.ocpiCurrency) : []) await deps.store.outbox.enqueue(trx, push);
  };
}

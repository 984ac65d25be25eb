import type { OcppDeps } from './context.js';
import type { Db } from '../store/db.js';
import type { Transaction } from '../store/transactions.js';
import { PROVIDER_MODE } from '../store/installations.js';
import { sessionEndItem } from '../providers/sessionEnd.js';

/**
 * What a stop writes for the provider's session-end call, in the stop's own database transaction
 * (never one without the other); undefined when the installation has no session end URL.
 */
export async function sessionEndWriter(deps: OcppDeps, installationId: string) {
  const settings = await deps.settings.get(installationId);
  const notifyProvider = settings?.mode === PROVIDER_MODE && settings.sessionEndUrl;
  return notifyProvider ? (trx: Db, tx: Transaction) => deps.store.outbox.enqueue(trx, sessionEndItem(tx)) : undefined;
}

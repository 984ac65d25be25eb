import type { OcppDeps } from './context.js';
import type { Store } from '../store/index.js';
import type { Transaction } from '../store/transactions.js';
import { PROVIDER_MODE } from '../store/installations.js';
import { sessionEndItem } from '../providers/sessionEnd.js';
import { ownParty } from '../ocpi/party.js';
import { roamingPushes } from '../ocpi/sessions.js';

/**
 * A roaming partner's Session, pushed once its transaction started (the stop's push is in
 * sessionEndWriter); `tx` must be the start's own unit of work.
 */
export async function roamingStartWriter(deps: OcppDeps, tx: Store, t: Transaction): Promise<boolean> {
  const party = ownParty(deps.config);
  const pushes = party && !t.stop ? roamingPushes(t, party, deps.config.ocpiCurrency) : [];
  for (const push of pushes) await tx.outbox.enqueue(push);
  return pushes.length > 0;
}

/**
 * What a stop queues for the provider's session-end call and a roaming partner's session, in the
 * stop's own unit of work (never one without the other); undefined when neither applies.
 */
export async function sessionEndWriter(deps: OcppDeps, installationId: string) {
  const settings = await deps.settings.get(installationId);
  const notifyProvider = settings?.mode === PROVIDER_MODE && settings.sessionEndUrl;
  const party = ownParty(deps.config);
  if (!notifyProvider && !party) return undefined;
  return async (tx: Store, t: Transaction) => {
    if (notifyProvider) await tx.outbox.enqueue(sessionEndItem(t));
    // A roaming partner's session and CDR go to it for billing, from the same transaction.
    for (const push of party ? roamingPushes(t, party, deps.config.ocpiCurrency) : []) await tx.outbox.enqueue(push);
  };
}

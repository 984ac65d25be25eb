import { randomUUID } from 'node:crypto';
import { roamingSummary, type Transaction } from '../store/transactions.js';
import type { ProviderSettings } from '../store/installations.js';
import { HttpError } from '../http/client.js';
import { TokenError } from './tokenService.js';
import { postToProvider, type ProviderCallDeps } from './providerCall.js';

/** What one session-end call came to: the outbox worker marks the row by it. */
export type DeliveryResult =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'retry'; status: number | null; error: string }
  | { outcome: 'cancel'; error: string };

export const SESSION_END_TOPIC = 'session_end';

/** docs/provider.md documents this body (version 1). `id` stays the same across retries. */
export function sessionEndPayload(tx: Transaction) {
  return {
    type: 'session.end',
    version: 1,
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    installationId: tx.installationId,
    chargerId: tx.chargerId,
    connectorId: tx.connectorId,
    transactionId: tx.id,
    ocppVersion: tx.ocppVersion,
    chargerTransactionId: tx.chargerTransactionId,
    sessionId: tx.providerSessionId,
    idTag: tx.idTag,
    stopIdTag: tx.stop?.idTag ?? null,
    meterStart: tx.meterStart,
    meterStop: tx.stop?.meterStop ?? null,
    energyWh: tx.energyWh,
    startTime: tx.startTime,
    stopTime: tx.stop?.time ?? null,
    stopReason: tx.stop?.reason ?? null,
    authorizedOffline: tx.authorizedOffline,
    meterAnomaly: tx.meterAnomaly,
    roaming: roamingSummary(tx.roaming),
  };
}

/** Outbox row for a stopped transaction; one per transaction whatever re-sends come. */
export function sessionEndItem(tx: Transaction) {
  return { topic: SESSION_END_TOPIC, target: tx.installationId, eventId: `session-end:${tx.id}`, payload: sessionEndPayload(tx) };
}

/** Any 2xx is delivered; everything else is retried by the outbox. */
export async function deliverSessionEnd(
  deps: ProviderCallDeps,
  settings: ProviderSettings | undefined,
  payload: unknown,
): Promise<DeliveryResult> {
  if (!settings?.sessionEndUrl) return { outcome: 'cancel', error: 'installation has no session end URL any more' };
  try {
    const res = await postToProvider(deps, settings, settings.sessionEndUrl, payload);
    if (res.status >= 200 && res.status <= 299) return { outcome: 'delivered', status: res.status };
    return { outcome: 'retry', status: res.status, error: `provider answered ${res.status}` };
  } catch (err) {
    if (err instanceof HttpError || err instanceof TokenError) return { outcome: 'retry', status: null, error: err.message };
    throw err;
  }
}

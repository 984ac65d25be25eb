// One OCPP 2.0.1 charging session as a station with TxStartPoint and TxStopPoint
// "Authorized" runs it: Occupied → Authorize → TransactionEvent Started (Authorized) →
// Updated (ChargingStateChanged, then MeterValuePeriodic × N) → Ended (StopAuthorized) →
// Available. While the charger is offline it authorizes locally and its events are queued.

import { setTimeout as sleep } from 'node:timers/promises';
import type { SimCharger } from '../charger.js';
import type { SessionOptions, SessionResult } from '../session.js';
import type { IdToken, TransactionEventResponse } from './messages.js';
import type { Transaction } from './transaction.js';

/**
 * Sends Started and, unless the CSMS refused the token, the change to Charging. Resolves
 * with the idTokenInfo status of Started's answer: undefined when the event was queued
 * offline, 'missing' when the answer had none.
 */
export async function startTransaction(charger: SimCharger, tx: Transaction, triggerReason: string, idToken: IdToken): Promise<string | undefined> {
  const reservationId = charger.useReservation(tx.evse.id, idToken.idToken);
  const reply = await charger.transactionEvent(tx.event('Started', triggerReason, { idToken, meterWh: charger.meterWh, chargingState: 'EVConnected', reservationId }));
  const status = answerStatus(reply);
  if (status === undefined || status === 'Accepted') {
    await charger.transactionEvent(tx.event('Updated', 'ChargingStateChanged', { chargingState: 'Charging' }));
  }
  return status;
}

/** Sends Ended (once) and forgets the transaction; resolves with the idTokenInfo status of the answer, if any. */
export async function endTransaction(charger: SimCharger, tx: Transaction, triggerReason: string, stoppedReason: string, idToken?: IdToken): Promise<string | undefined> {
  if (tx.ended) return undefined;
  charger.transactions.delete(tx.transactionId);
  const event = tx.event('Ended', triggerReason, { idToken, meterWh: charger.meterWh, chargingState: 'EVConnected', stoppedReason });
  return (await charger.transactionEvent(event))?.idTokenInfo?.status;
}

export async function runTransactionSession(charger: SimCharger, opts: SessionOptions): Promise<SessionResult> {
  const { connectorId: evseId = 1, idTag, idTokenType = 'ISO14443', meterIntervalMs = 1000, meterSamples = 3, whPerSample = 100 } = opts;
  const idToken = { idToken: idTag, type: idTokenType };
  const online = !charger.offline;
  let authorizeStatus = 'offline'; // authorized locally: nothing to ask while offline
  if (online) {
    await charger.status(evseId, 'Occupied');
    authorizeStatus = (await charger.authorize(idTag, idTokenType)).status;
    if (authorizeStatus !== 'Accepted') {
      await charger.status(evseId, 'Available');
      return { authorizeStatus };
    }
  }

  const tx = charger.openTransaction(evseId);
  const startStatus = await startTransaction(charger, tx, 'Authorized', idToken);
  const refused = startStatus !== undefined && startStatus !== 'Accepted';
  for (let i = 0; i < meterSamples && !refused && !tx.ended; i++) {
    await sleep(meterIntervalMs);
    charger.meterWh += whPerSample;
    if (!tx.ended) await charger.transactionEvent(tx.event('Updated', 'MeterValuePeriodic', { meterWh: charger.meterWh }));
  }
  // A refused token stops the transaction at once (StopTxOnInvalidId); a remote stop may have ended it already.
  const stopStatus = refused
    ? await endTransaction(charger, tx, 'Deauthorized', 'DeAuthorized')
    : await endTransaction(charger, tx, 'StopAuthorized', 'Local', idToken);
  if (online && !charger.offline) await charger.status(evseId, 'Available');
  return { transactionId: tx.transactionId, authorizeStatus, startStatus, stopStatus };
}

function answerStatus(reply: TransactionEventResponse | undefined): string | undefined {
  if (!reply) return undefined;
  return reply.idTokenInfo?.status ?? 'missing';
}

// One OCPP 2.0.1 transaction as the charging station numbers it: its own UUID, seqNo 0 on
// Started and one more on every later event, the EVSE named once (on Started), and the
// reading context the spec ties to each event type.

import { randomUUID } from 'node:crypto';
import { energyReading, now, type IdToken, type TransactionEventRequest, type TransactionEventType } from './messages.js';

export interface EventFields {
  /** Sent on the event that authorizes (or stops-authorizes) the transaction, not on every event. */
  idToken?: IdToken;
  /** Energy register in Wh; omitted means no meterValue on this event. */
  meterWh?: number;
  /** Reading context; by default Transaction.Begin on Started, Transaction.End on Ended, else Sample.Periodic. */
  context?: string;
  chargingState?: string;
  stoppedReason?: string;
  timestamp?: string;
  /** The reservation this event's start uses (H01.FR.17). */
  reservationId?: number;
}

const DEFAULT_CONTEXT: Record<TransactionEventType, string> = {
  Started: 'Transaction.Begin',
  Updated: 'Sample.Periodic',
  Ended: 'Transaction.End',
};

export class Transaction {
  readonly transactionId = randomUUID();
  ended = false;
  private nextSeqNo = 0;

  constructor(
    readonly evse: { id: number; connectorId: number },
    /** The RequestStartTransaction id this transaction answers, reported on Started. */
    readonly remoteStartId?: number,
  ) {}

  /** The next event of this transaction; each call takes the next seqNo. */
  event(eventType: TransactionEventType, triggerReason: string, fields: EventFields = {}): TransactionEventRequest {
    const { idToken, meterWh, context = DEFAULT_CONTEXT[eventType], chargingState, stoppedReason, timestamp = now(), reservationId } = fields;
    if (eventType === 'Ended') this.ended = true;
    const started = eventType === 'Started';
    const transactionInfo: TransactionEventRequest['transactionInfo'] = { transactionId: this.transactionId };
    if (chargingState) transactionInfo.chargingState = chargingState;
    if (stoppedReason) transactionInfo.stoppedReason = stoppedReason;
    if (started && this.remoteStartId !== undefined) transactionInfo.remoteStartId = this.remoteStartId;
    const event: TransactionEventRequest = { eventType, timestamp, triggerReason, seqNo: this.nextSeqNo++, transactionInfo };
    if (started) event.evse = { ...this.evse };
    if (idToken) event.idToken = idToken;
    if (reservationId !== undefined) event.reservationId = reservationId;
    if (meterWh !== undefined) event.meterValue = energyReading(meterWh, context, timestamp);
    return event;
  }
}

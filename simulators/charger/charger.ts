// One simulated charge point, speaking OCPP 1.6J, 2.0.1 or 2.1 (the subprotocol it
// offers) over its ChargerConnection: the messages of each version, whole sessions, the
// default answers to remote commands and, in 2.0.1, transactions, a device model and
// late events. A 2.0.1 station models one connector per EVSE.

import * as msg from './messages.js';
import { ChargerConnection } from './connection.js';
import { defaultRemoteCommands, type RemoteCommandHandler } from './remote-commands.js';
import { FeatureState, featureProfileCommands } from './feature-profiles.js';
import { SecurityState, securityCommands } from './security.js';
import { runSession, type SessionOptions, type SessionResult } from './session.js';
import { DeviceModel } from './v201/device-model.js';
import * as msg201 from './v201/messages.js';
import { v201RemoteCommands } from './v201/remote-commands.js';
import { runTransactionSession } from './v201/session.js';
import { Transaction } from './v201/transaction.js';
import { LocalList, type ListLimits } from './local-list.js';

export { CallError } from './frames.js';
export { ConnectError, type ReceivedCall, type SimChargerOptions } from './connection.js';

/** Authorize's answer as received, plus its status: from idTagInfo (1.6) or idTokenInfo (2.0.1, 2.1). */
export type AuthorizeAnswer = msg.AuthorizeConf & Partial<msg201.AuthorizeResponse> & { status: string };

export class SimCharger extends ChargerConnection {
  /** 1.6 configuration keys, read by GetConfiguration and written by ChangeConfiguration. */
  readonly configuration = new Map<string, string>();
  /** Energy register in Wh, advanced by runSession; monotonic like a real meter. */
  meterWh = 0;
  // 2.0.1 state, created on first use: most chargers of a fleet never need it.
  private model: DeviceModel | null = null;
  private open: Map<string, Transaction> | null = null;
  /** TransactionEvents not yet delivered, in the order they happened; only around an outage. */
  private queued: msg201.TransactionEventRequest[] | null = null;
  private isOffline = false;
  private list: LocalList | null = null;
  private featureState: FeatureState | null = null;
  private securityState: SecurityState | null = null;

  /** Installed certificates, the CSR to send and the certificate the CSMS signed (security whitepaper, 2.0.1 A02/M). */
  get security(): SecurityState {
    return (this.securityState ??= new SecurityState());
  }

  /** Reservations and charging profiles this charger holds (Reservation and Smart Charging). */
  get features(): FeatureState {
    return (this.featureState ??= new FeatureState());
  }

  /**
   * Takes over what `previous` (the same charger before a restart) kept in its non-volatile
   * memory: configuration keys, device model and local list, as a real charger keeps them.
   */
  restartedFrom(previous: SimCharger): this {
    for (const [key, value] of previous.configuration) this.configuration.set(key, value);
    this.model = previous.model;
    this.list = previous.list;
    return this;
  }

  boot(extra?: object): Promise<msg.BootNotificationConf> {
    const payload = this.isV16 ? msg.bootNotification(this.id, extra) : msg201.bootNotification(this.id, extra);
    return this.call('BootNotification', payload);
  }

  heartbeat(): Promise<msg.HeartbeatConf> {
    return this.call('Heartbeat', {});
  }

  /**
   * 1.6: the connector's status and error code. 2.0.1/2.1: `connectorId` is the EVSE
   * (its connector 1), `status` a ConnectorStatusEnumType, and there is no error code.
   */
  status(connectorId: number, status: string, errorCode = 'NoError'): Promise<object> {
    const payload = this.isV16 ? msg.statusNotification(connectorId, status, errorCode) : msg201.statusNotification(connectorId, 1, status);
    if (this.isV16 && (status === 'Faulted' || status === 'Unavailable')) this.featureState?.dropOn(connectorId);
    return this.call('StatusNotification', payload);
  }

  /**
   * `type` is the 2.0.1 idToken type; 1.6 has none. While offline the charger decides alone,
   * from its Local Authorization List (LocalAuthorizeOffline), as a real one does.
   */
  authorize(idTag: string, type = 'ISO14443'): Promise<AuthorizeAnswer> {
    if (this.isOffline) return Promise.resolve(this.authorizeLocally(idTag));
    if (this.isV16) return this.call('Authorize', { idTag }).then((conf) => withStatus(conf, conf?.idTagInfo));
    return this.call('Authorize', { idToken: { idToken: idTag, type } }).then((reply) => withStatus(reply, reply?.idTokenInfo));
  }

  /** The id of the reservation a start for this tag on this connector (2.0.1: EVSE) ends, if any; fleets hold none. */
  useReservation(connectorId: number, idTag: string): number | undefined {
    return this.featureState?.useReservation(connectorId, idTag);
  }

  /** A start on a connector reserved for this tag carries the reservation's id and ends it (1.6 §5.13). */
  startTransaction(input: msg.StartTransactionInput): Promise<msg.StartTransactionConf> {
    const reservationId = input.reservationId ?? this.useReservation(input.connectorId, input.idTag);
    return this.call('StartTransaction', msg.startTransaction({ ...input, reservationId }));
  }

  meterValues(input: msg.MeterValuesInput): Promise<object> {
    return this.call('MeterValues', msg.meterValues(input));
  }

  stopTransaction(input: msg.StopTransactionInput): Promise<msg.StopTransactionConf> {
    return this.call('StopTransaction', msg.stopTransaction(input));
  }

  /** A whole session in this charger's version: StartTransaction and friends, or TransactionEvents. */
  runSession(opts: SessionOptions): Promise<SessionResult> {
    return this.isV16 ? runSession(this, opts) : runTransactionSession(this, opts);
  }

  /** The Local Authorization List the central system keeps in step (SendLocalList). */
  get localList(): LocalList {
    return (this.list ??= new LocalList());
  }

  /**
   * Makes the charger report an enabled Local Authorization List of these limits: 1.6
   * LocalAuthListEnabled, LocalAuthListMaxLength, SendLocalListMaxLength; 2.0.1 the
   * LocalAuthListCtrlr variables, Entries' maximum as its maxLimit (reported by GetReport, not GetVariables).
   */
  enableLocalList(limits: Partial<ListLimits> = {}): this {
    const { maxLength, perMessage } = { ...this.localList.limits, ...limits };
    this.localList.limits = { maxLength, perMessage };
    if (this.isV16) {
      this.configuration.set('LocalAuthListEnabled', 'true');
      this.configuration.set('LocalAuthListMaxLength', String(maxLength));
      this.configuration.set('SendLocalListMaxLength', String(perMessage));
      return this;
    }
    const component = { name: 'LocalAuthListCtrlr' };
    for (const [name, value] of [['Enabled', 'true'], ['Entries', '0'], ['ItemsPerMessage', String(perMessage)], ['BytesPerMessage', '65536']]) {
      this.deviceModel.set({ component, variable: { name }, attributeValue: value });
    }
    this.deviceModel.setMaxLimit(component, 'Entries', maxLength);
    return this;
  }

  /** The offline answer: the list's entry, else Invalid (or Accepted when unknown tags may charge offline). */
  private authorizeLocally(idTag: string): AuthorizeAnswer {
    const unknownAllowed = this.isV16
      ? this.configuration.get('AllowOfflineTxForUnknownId') === 'true'
      : this.deviceModel.value({ name: 'AuthCtrlr' }, 'OfflineTxForUnknownIdEnabled') === 'true';
    // LocalAuthorizeOffline off: the charger does not decide from its list (or cache) while cut off.
    const local = this.isV16
      ? this.configuration.get('LocalAuthorizeOffline') !== 'false'
      : this.deviceModel.value({ name: 'AuthCtrlr' }, 'LocalAuthorizeOffline') !== 'false';
    const status = (local ? this.localList.decide(idTag) : undefined) ?? (unknownAllowed ? 'Accepted' : 'Invalid');
    return this.isV16 ? { idTagInfo: { status }, status } as AuthorizeAnswer : ({ idTokenInfo: { status }, status } as unknown as AuthorizeAnswer);
  }

  // --- 2.0.1 and 2.1 ---

  /** The station's device model, read by GetVariables and GetBaseReport, written by SetVariables. */
  get deviceModel(): DeviceModel {
    return (this.model ??= new DeviceModel({ ...msg201.stationIdentity(this.id), evses: this.connectors }));
  }

  /** Transactions started and not yet ended, by transactionId. */
  get transactions(): Map<string, Transaction> {
    return (this.open ??= new Map());
  }

  /** A new transaction on an EVSE (connector 1), its seqNo at 0; send its events with transactionEvent. */
  openTransaction(evseId = 1, remoteStartId?: number): Transaction {
    const tx = new Transaction({ id: evseId, connectorId: 1 }, remoteStartId);
    this.transactions.set(tx.transactionId, tx);
    return tx;
  }

  get offline(): boolean {
    return this.isOffline;
  }

  /**
   * Sends one TransactionEvent. While offline, or while an outage's queue is still being
   * delivered, the event is queued instead (marked `offline: true` if it happened offline)
   * and the promise resolves with undefined.
   */
  transactionEvent(event: msg201.TransactionEventRequest): Promise<msg201.TransactionEventResponse | undefined> {
    if (this.isV16) return Promise.reject(new Error(`${this.id}: TransactionEvent is not OCPP 1.6`));
    if (!this.isOffline && !this.queued) return this.call('TransactionEvent', event);
    (this.queued ??= []).push(this.isOffline ? { ...event, offline: true } : event);
    return Promise.resolve(undefined);
  }

  /** Loses the connection: the socket closes, and TransactionEvents are queued until goOnline(). */
  goOffline(): Promise<void> {
    this.isOffline = true;
    return this.close();
  }

  /**
   * Reconnects (without a new BootNotification, as after a network outage) and delivers
   * the queued TransactionEvents one at a time in the order they happened; resolves with
   * their answers. An event whose delivery fails stays at the head of the queue.
   */
  async goOnline(): Promise<msg201.TransactionEventResponse[]> {
    this.isOffline = false;
    if (!this.isOpen) await this.connect();
    const answers: msg201.TransactionEventResponse[] = [];
    while (this.queued) {
      answers.push(await this.call('TransactionEvent', this.queued[0]));
      this.queued.shift();
      if (this.queued.length === 0) this.queued = null;
    }
    return answers;
  }

  private get isV16(): boolean {
    return this.ocppVersion === '1.6';
  }

  protected defaultCommand(action: string): RemoteCommandHandler<this> | undefined {
    return (this.isV16 ? defaultRemoteCommands : v201RemoteCommands).get(action) ?? featureProfileCommands.get(action) ?? securityCommands.get(action);
  }
}

// Adds the status to the freshly parsed answer in place: the bench calls this flat out.
function withStatus(reply: any, info: { status?: unknown } | undefined): AuthorizeAnswer {
  const answer = reply && typeof reply === 'object' ? reply : {};
  answer.status = typeof info?.status === 'string' ? info.status : 'missing';
  return answer;
}

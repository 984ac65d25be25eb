/**
 * The authorization domain, free of OCPP and HTTP types: the OCPP handlers translate a frame into
 * an AuthorizationRequest and a Decision back into idTagInfo.
 */
export type AuthorizationStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx' | 'NoCredit' | 'NotAtThisLocation';

/** Which part of the gateway decided; stored with the transaction ("how it was authorized"). */
/** The provider decided. Events and the API call this source 'webhook' (kept for compatibility). */
export const PROVIDER_SOURCE = 'webhook';
/** An OCPI partner (an eMSP) decided, from a token it pushed or by real-time authorization. */
export const ROAMING_SOURCE = 'ocpi';
export type DecisionSource = 'default' | 'native' | typeof PROVIDER_SOURCE | 'cache' | 'offline' | typeof ROAMING_SOURCE;

/** What asked: a 1.6 Authorize or StartTransaction, or a 2.0.1 TransactionEvent that brought an id token to a transaction. */
export type AuthorizationTrigger = 'Authorize' | 'StartTransaction' | 'TransactionEvent';

/** The triggers that start a charging session for the tag (the ConcurrentTx guard and the provider's session id apply). */
export const startsSession = (trigger: AuthorizationTrigger): boolean => trigger !== 'Authorize';

export interface AuthorizationRequest {
  installationId: string;
  chargerId: string;
  idTag: string;
  trigger: AuthorizationTrigger;
  /** OCPP 2.0.1 IdTokenEnumType (ISO14443, eMAID, Central, …); absent for 1.6, whose idTag has none. */
  idTokenType?: string;
  /** The charger's OCPP version ('1.6', '2.0.1', '2.1'), passed to the provider. */
  ocppVersion?: string;
  /** OCPP 2.0.1 EVSE id, where the charger named one. */
  evseId?: number;
  connectorId?: number;
  transactionId?: number;
  meterStart?: number;
  /** The charger reported a start that happened while it was offline. */
  late?: boolean;
}

export interface Decision {
  status: AuthorizationStatus;
  source: DecisionSource;
  /** A stable code saying why (unknown_id_tag, blocked, expired, accepted, concurrent_tx, …). */
  reason: string;
  expiryDate?: string;
  parentIdTag?: string;
  /** A final decision ends the chain; a non-final one is kept only until a later source decides. */
  final: boolean;
  /** The provider's own id for this session, kept with the transaction and sent back at its end. */
  sessionId?: string;
  /** The provider said the acceptance must not be kept (`cache: false`): not reused, not cached by chargers, never in a local list. */
  noCache?: boolean;
  /** The provider could not be asked (or gave no usable answer): the offline rules apply. */
  providerUnreachable?: boolean;
  /** Which OCPI partner decided, and its reference for the session and CDR. */
  roaming?: RoamingDecision;
}

export interface RoamingDecision {
  partnerId: string;
  authorizationReference?: string;
  /** The eMSP's token as a session names it (OCPI CdrToken), and how it was authorized. */
  token?: RoamingTokenRef;
  authMethod?: 'AUTH_REQUEST' | 'WHITELIST';
  /** The eMSP wants every use asked in real time (whitelist NEVER): no charger may cache it. */
  realtimeOnly?: boolean;
}

/** OCPI CdrToken: the token as the eMSP knows it. */
export interface RoamingTokenRef {
  country_code: string;
  party_id: string;
  uid: string;
  type: string;
  contract_id: string;
}

/** One link of the chain: returns a decision, or undefined to leave the current one as it is. */
export type Authorizer = (req: AuthorizationRequest, current: Decision) => Promise<Decision | undefined>;

/** Runs after the chain, on an accepted decision only (ConcurrentTx and similar checks). */
export type Guard = (req: AuthorizationRequest, decision: Decision) => Promise<Decision>;

import type { Generated } from 'kysely';

/**
 * Table types shared by SQLite and PostgreSQL. Times are ISO-8601 UTC strings (Date.toISOString())
 * and booleans are 0/1 integers in both engines, so one query layer serves both and rows read
 * the same whichever engine stored them.
 */
export interface InstallationTable {
  id: string;
  name: string;
  auth_mode: string;
  auth_url: string | null;
  /** Sealed with the SecretBox; never read outside the provider call path. */
  auth_payload: string | null;
  session_start_url: string | null;
  session_end_url: string | null;
  offline_allow: number;
  timeout_ms: number;
  security_profile: number;
  /** 1: members without TOTP are refused everything of this installation until they enrol. */
  require_second_factor: number;
  /** 'off', 'native' or 'native+recent': what its chargers' Local Authorization Lists hold. */
  local_list: string;
  /** native+recent: provider acceptances of the last this many days. */
  local_list_recent_days: number;
  /** The order the authorization sources are asked in, JSON (['native','webhook','ocpi']); null: webhook, then native. */
  auth_sources?: string | null;
  /** JSON InstallationLocation (locations.ts); null: not published to roaming partners. */
  location?: string | null;
  created_at: string;
  updated_at: string;
}

export interface ChargerTable {
  id: string;
  installation_id: string;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  boot_info: string | null;
  booted_at: string | null;
  firmware_status: string | null;
  firmware_status_at: string | null;
  diagnostics_status: string | null;
  diagnostics_status_at: string | null;
  /** JSON: the device model basics a 2.0.1 charger reported (DeviceModel in chargers.ts). */
  device_model: string | null;
  offline_config: string | null;
  security_profile: number | null;
  /** scrypt; the password itself is never stored. */
  password_hash: string | null;
  password_set_at: string | null;
  online: number;
  node_id: string | null;
  last_seen: string | null;
  /** '1.6', '2.0.1' or '2.1': what the current or last connection negotiated; null before the first. */
  ocpp_version: string | null;
  /** 'accepted', 'pending' or 'rejected': how its BootNotification is answered. */
  registration: string;
  created_at: string;
}

export interface ConnectorTable {
  charger_id: string;
  /** OCPP 2.0.1 EVSE id; 0 for a 1.6 connector (1.6 has no EVSEs). */
  evse_id: number;
  connector_id: number;
  status: string;
  error_code: string;
  info: string | null;
  vendor_error_code: string | null;
  status_at: string | null;
  updated_at: string;
}

export interface IdTagTable {
  installation_id: string;
  id_tag: string;
  id_tag_key: string;
  status: string;
  expiry_date: string | null;
  parent_id_tag: string | null;
  /** The id-token type the tag is limited to; null: any. */
  type: string | null;
  created_at: string;
  updated_at: string;
}

export interface SecurityEventTable {
  id: Generated<number>;
  charger_id: string;
  type: string;
  /** The charger's timestamp. */
  timestamp: string;
  tech_info: string | null;
  received_at: string;
}

export interface TransactionTable {
  id: Generated<number>;
  charger_id: string;
  installation_id: string;
  connector_id: number;
  id_tag: string;
  id_tag_key: string;
  meter_start: number;
  start_time: string;
  started_received_at: string;
  reservation_id: number | null;
  auth_status: string;
  auth_source: string;
  auth_reason: string | null;
  active: number;
  late: number;
  meter_stop: number | null;
  stop_time: string | null;
  stop_received_at: string | null;
  stop_reason: string | null;
  stop_id_tag: string | null;
  energy_wh: number | null;
  meter_anomaly: number;
  provider_session_id: string | null;
  /** OCPI: the partner (eMSP) that authorized it, and its authorization_reference for the session and CDR. */
  roaming_partner_id: string | null;
  authorization_reference: string | null;
  /** JSON { token: CdrToken, authMethod }, when the partner's token was known. */
  roaming_token: string | null;
  auth_expiry_date: string | null;
  auth_parent_id_tag: string | null;
  /** 1: the tag was Accepted in the Local Authorization List the charger held at the start. */
  auth_local_list: Generated<number>;
  /** '1.6', '2.0.1' or '2.1'. */
  ocpp_version: Generated<string>;
  /** The 2.0.1 charger's own transactionId; null for 1.6, whose charger uses our id. */
  charger_tx_id: string | null;
  last_seq_no: number | null;
  evse_id: number | null;
  evse_connector_id: number | null;
  id_token_type: string | null;
  /** The last Energy.Active.Import.Register reading a 2.0.1 event carried (Wh). */
  meter_last_wh: number | null;
}

export interface TransactionEventTable {
  transaction_id: number;
  seq_no: number;
  /** The TransactionEventResponse sent, when it was not `{}`. */
  answer: string | null;
}

export interface MeterValueTable {
  id: Generated<number>;
  transaction_id: number | null;
  charger_id: string;
  connector_id: number;
  timestamp: string;
  sampled_value: string;
  source: string;
}

export interface OcppAnomalyTable {
  id: Generated<number>;
  charger_id: string;
  kind: string;
  transaction_id: number | null;
  payload: string;
  received_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  target: string;
  event_id: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  /** The node that claimed the row (null: a single node, or never claimed). */
  locked_by: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface EventTable {
  seq: Generated<number>;
  id: string;
  type: string;
  installation_id: string;
  charger_id: string | null;
  occurred_at: string;
  envelope: string;
}

export interface SubscriptionTable {
  id: string;
  installation_id: string | null;
  label: string;
  kind: string;
  url: string | null;
  url_mode: string;
  events: string;
  enabled: number;
  subscription_ref: string | null;
  auth_kind: string;
  auth_username: string | null;
  /** Sealed. */
  auth_password: string | null;
  signature: string;
  /** Sealed. */
  secret: string;
  filter: string;
  blocking: string;
  blocking_timeout_ms: number;
  timeout_ms: number;
  verify: number;
  kafka: string | null;
  /** Sealed. */
  kafka_password: string | null;
  state: string;
  state_reason: string | null;
  cursor: number;
  failures: number;
  next_attempt_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  /** Sealed: the secret before the last rotation, which still signs until previous_secret_until. */
  previous_secret: string | null;
  previous_secret_until: string | null;
}

/** A subscription's delivered position, beside the attempt log (deliveryCursors.ts). */
export interface DeliveryCursorTable {
  subscription_id: string;
  seq: number;
}

export interface DeliveryTable {
  id: Generated<number>;
  subscription_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  mode: string;
  at: string;
  status: number | null;
  ok: number;
  latency_ms: number;
  error: string | null;
  response: string | null;
  /** JSON: what was sent (method, url, headers without credentials, body), bounded. */
  request: string | null;
  /** JSON: the endpoint's answer headers, bounded. */
  response_headers: string | null;
}

export interface DecisionCountTable {
  installation_id: string;
  /** The minute, as ISO text cut after the minutes: 2026-12-07T14:05. */
  minute: string;
  source: string;
  count: number;
}

export interface ApiTokenTable {
  id: string;
  token_hash: string;
  label: string;
  /** admin | owner | service; tokens from before roles existed are admin. */
  role: string;
  /** JSON array of installation ids the token may act on (ignored for admin). */
  installations: string;
  /** The user who created it; null for tokens made by an admin token or at start-up. */
  created_by: string | null;
  created_at: string;
}

/** One row per running gateway node (PostgreSQL clusters); a stale heartbeat means the node is dead. */
export interface NodeTable {
  id: string;
  host: string;
  pid: number;
  started_at: string;
  heartbeat_at: string;
}

/**
 * A remote command carried from the node that got the API call to the node holding the charger:
 * NOTIFY payloads are small (8000 bytes), so they carry only this row's id.
 */
export interface NodeCallTable {
  id: string;
  charger_id: string;
  action: string;
  params: string;
  timeout_ms: number;
  from_node: string;
  to_node: string;
  created_at: string;
  /** JSON {ok: true, result} or {ok: false, code, message, details}; null until answered. */
  reply: string | null;
}

export interface UserTable {
  id: string;
  /** Lower-cased, so sign-in ignores case. */
  email: string;
  name: string | null;
  /** scrypt with its parameters (src/passwords.ts); the password itself is never stored. */
  password_hash: string;
  admin: number;
  created_at: string;
  updated_at: string;
}

export interface UserSessionTable {
  /** SHA-256 of the cookie value: a read of this table cannot sign anyone in. */
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute end, whatever the activity. */
  expires_at: string;
  /** When a second factor was last proven in this session (login with a code or step-up). */
  second_factor_at: string | null;
}

export interface MembershipTable {
  user_id: string;
  installation_id: string;
  /** owner | service */
  role: string;
  created_at: string;
}

export interface TotpTable {
  user_id: string;
  /** Base32 secret sealed with the SecretBox. */
  secret: string;
  /** Null while enrolment waits for its first code. */
  confirmed_at: string | null;
  /** The last time step a code was accepted for: a code is never accepted twice. */
  last_step: number;
  created_at: string;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  /** SHA-256: the codes are random, so a fast hash is enough. */
  code_hash: string;
  used_at: string | null;
}

/**
 * Attempts at a guessed secret, one row each: written before the secret is checked (so attempts
 * in flight count), deleted again when it proves right.
 */
export interface FailureTable {
  id: Generated<number>;
  /** What is limited: "email:…", "addr:…", "totp:…", "password:…" (sign-ins); "id:…", "ip:…" (chargers). */
  key: string;
  at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  /** Null for changes that belong to no installation (users, global subscriptions, admin tokens). */
  installation_id: string | null;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target: string;
  /** JSON { field: { from?, to?, changed? } }; secrets are masked before they get here. */
  changes: string;
}

export interface LocalListTable {
  charger_id: string;
  /** in_sync, syncing, not_supported, failed, off. */
  state: string;
  /** The list version the charger confirmed last. */
  version: number;
  content_hash: string | null;
  /** JSON: the entries the charger holds as we sent them (LocalListEntry[]). */
  entries: string;
  /** The charger's last answer (a status, or an error), for the site owner. */
  answer: string | null;
  max_length: number | null;
  send_max_length: number | null;
  bytes_per_message: number | null;
  synced_at: string | null;
  updated_at: string;
}

export interface RecentIdTagTable {
  installation_id: string;
  id_tag_key: string;
  id_tag: string;
  id_token_type: string | null;
  /** The provider's expiry, when it gave one. */
  expiry_date: string | null;
  parent_id_tag: string | null;
  last_used_at: string;
}

/** An OCPI partner (an eMSP): the credentials handshake's state and what each side sends the other. */
export interface OcpiPartnerTable {
  id: string;
  /** Its first role's country code and party id, upper case (CiString). */
  country_code: string;
  party_id: string;
  /** CredentialsRole[] as JSON. */
  roles: string;
  versions_url: string | null;
  version: string | null;
  /** Endpoint[] of its version details, as JSON. */
  endpoints: string;
  /** Sealed: the credentials token we send it. */
  outbound_token: string | null;
  /** Sealed: the credentials token it sends us (token A while pending). */
  inbound_token: string | null;
  /** SHA-256 of inbound_token, hex: how a request's header finds its partner. */
  inbound_token_hash: string | null;
  /** pending (token A issued), registered, unregistered, failed. */
  state: string;
  last_error: string | null;
  last_error_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A Token an eMSP pushed (OCPI tokens module, receiver side). */
export interface OcpiTokenTable {
  partner_id: string;
  country_code: string;
  party_id: string;
  uid: string;
  /** uid upper case: what a charger's id tag is matched on. */
  uid_key: string;
  type: string;
  contract_id: string;
  issuer: string;
  group_id: string | null;
  valid: number;
  whitelist: string;
  last_updated: string;
  /** The whole Token as last received, JSON. */
  token: string;
  received_at: string;
}

export interface Database {
  installations: InstallationTable;
  chargers: ChargerTable;
  connectors: ConnectorTable;
  security_events: SecurityEventTable;
  id_tags: IdTagTable;
  transactions: TransactionTable;
  meter_values: MeterValueTable;
  transaction_events: TransactionEventTable;
  ocpp_anomalies: OcppAnomalyTable;
  api_tokens: ApiTokenTable;
  outbox: OutboxTable;
  events: EventTable;
  subscriptions: SubscriptionTable;
  deliveries: DeliveryTable;
  delivery_cursors: DeliveryCursorTable;
  decision_counts: DecisionCountTable;
  nodes: NodeTable;
  node_calls: NodeCallTable;
  users: UserTable;
  user_sessions: UserSessionTable;
  memberships: MembershipTable;
  totp: TotpTable;
  recovery_codes: RecoveryCodeTable;
  login_failures: FailureTable;
  charger_auth_failures: FailureTable;
  audit_log: AuditLogTable;
  local_lists: LocalListTable;
  recent_id_tags: RecentIdTagTable;
  reservations: ReservationTable;
  charging_profiles: ChargingProfileTable;
  ocpi_partners: OcpiPartnerTable;
  ocpi_tokens: OcpiTokenTable;
}

export interface ReservationTable {
  charger_id: string;
  /** The charger's reservation id (1.6 reservationId, 2.0.1 id), chosen by whoever sent ReserveNow. */
  reservation_id: number;
  installation_id: string;
  /** 1.6 connector or 2.0.1 EVSE; 0: any (the charger keeps one free). */
  connector_id: number;
  id_tag: string;
  id_tag_key: string;
  /** 1.6 parentIdTag, 2.0.1 groupIdToken.idToken: a tag of this group may use the reservation too. */
  parent_id_tag: string | null;
  /** 2.0.1 idToken.type; null for 1.6. */
  id_token_type: string | null;
  /** The charger's version when it accepted the reservation. */
  ocpp_version: string;
  expiry_date: string;
  /** active, used, cancelled or expired. */
  status: string;
  /** The transaction that used it. */
  transaction_id: number | null;
  created_at: string;
  ended_at: string | null;
}

export interface ChargingProfileTable {
  charger_id: string;
  /** 1.6 chargingProfileId, 2.0.1 id. */
  profile_id: number;
  /** 1.6 connectorId, 2.0.1 evseId; 0: the whole charger. */
  connector_id: number;
  stack_level: number;
  purpose: string;
  /** JSON: the profile as sent (1.6 csChargingProfiles, 2.0.1 chargingProfile). */
  profile: string;
  set_at: string;
}

import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './dialect.js';

/**
 * Migrations are code, the same list for both engines; the only engine difference is how an
 * auto-incrementing integer key is declared.
 */
function serial(dialect: Dialect) {
  const serialType = dialect === 'postgres' ? 'serial' : 'integer';
  const serialKey = (c: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  return { serialType, serialKey } as const;
}

/** The delivery attempt log: in the database on PostgreSQL, in a file of its own on SQLite (db.ts, DELIVERY_LOG_FILE). */
async function createDeliveriesTable(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const { serialType, serialKey } = serial(dialect);
  await db.schema
    .createTable('deliveries')
    .addColumn('id', serialType, serialKey)
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('response', 'text')
    .execute();
  await db.schema.createIndex('deliveries_subscription').on('deliveries').columns(['subscription_id', 'id']).execute();
  await db.schema.createIndex('deliveries_at').on('deliveries').column('at').execute();
}

/** Each attempt's request (headers without credentials, body) and the endpoint's answer headers. */
async function addAttemptDetail(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('request', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('response_headers', 'text').execute();
}

/**
 * Where each subscription's deliveries got, written with the attempt rows in one transaction:
 * beside the log, so on SQLite in the log's file. subscriptions.cursor keeps the position an
 * earlier version delivered to, and where the API starts a subscription from.
 */
async function createDeliveryCursorsTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_cursors')
    .addColumn('subscription_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
}

function migrations(dialect: Dialect): Record<string, Migration> {
  const { serialType, serialKey } = serial(dialect);
  return {
    '0001_spine': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('installations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('auth_mode', 'text', (c) => c.notNull().defaultTo('native'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('chargers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('installation_id', 'text', (c) => c.notNull().references('installations.id').onDelete('cascade'))
          .addColumn('vendor', 'text')
          .addColumn('model', 'text')
          .addColumn('serial_number', 'text')
          .addColumn('firmware_version', 'text')
          .addColumn('boot_info', 'text')
          .addColumn('booted_at', 'text')
          .addColumn('firmware_status', 'text')
          .addColumn('firmware_status_at', 'text')
          .addColumn('diagnostics_status', 'text')
          .addColumn('diagnostics_status_at', 'text')
          .addColumn('online', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('node_id', 'text')
          .addColumn('last_seen', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('chargers_installation').on('chargers').column('installation_id').execute();
        await db.schema
          .createTable('connectors')
          .addColumn('charger_id', 'text', (c) => c.notNull().references('chargers.id').onDelete('cascade'))
          .addColumn('connector_id', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('error_code', 'text', (c) => c.notNull())
          .addColumn('info', 'text')
          .addColumn('vendor_error_code', 'text')
          .addColumn('status_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('connectors_pk', ['charger_id', 'connector_id'])
          .execute();
        await db.schema
          .createTable('id_tags')
          .addColumn('installation_id', 'text', (c) => c.notNull().references('installations.id').onDelete('cascade'))
          .addColumn('id_tag', 'text', (c) => c.notNull())
          .addColumn('id_tag_key', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('expiry_date', 'text')
          .addColumn('parent_id_tag', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('id_tags_pk', ['installation_id', 'id_tag_key'])
          .execute();
        await db.schema
          .createTable('transactions')
          .addColumn('id', serialType, serialKey)
          .addColumn('charger_id', 'text', (c) => c.notNull())
          .addColumn('installation_id', 'text', (c) => c.notNull())
          .addColumn('connector_id', 'integer', (c) => c.notNull())
          .addColumn('id_tag', 'text', (c) => c.notNull())
          .addColumn('id_tag_key', 'text', (c) => c.notNull())
          .addColumn('meter_start', 'bigint', (c) => c.notNull())
          .addColumn('start_time', 'text', (c) => c.notNull())
          .addColumn('started_received_at', 'text', (c) => c.notNull())
          .addColumn('reservation_id', 'integer')
          .addColumn('auth_status', 'text', (c) => c.notNull())
          .addColumn('auth_source', 'text', (c) => c.notNull())
          .addColumn('auth_reason', 'text')
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('meter_stop', 'bigint')
          .addColumn('stop_time', 'text')
          .addColumn('stop_received_at', 'text')
          .addColumn('stop_reason', 'text')
          .addColumn('stop_id_tag', 'text')
          .addColumn('energy_wh', 'bigint')
          .addColumn('meter_anomaly', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // A StartTransaction re-sent after a lost reply must map to the same row.
        await db.schema
          .createIndex('transactions_start_identity')
          .on('transactions')
          .columns(['charger_id', 'connector_id', 'id_tag', 'start_time', 'meter_start'])
          .unique()
          .execute();
        await db.schema.createIndex('transactions_charger_active').on('transactions').columns(['charger_id', 'active']).execute();
        await db.schema.createIndex('transactions_tag_active').on('transactions').columns(['installation_id', 'id_tag_key', 'active']).execute();
        await db.schema
          .createTable('meter_values')
          .addColumn('id', serialType, serialKey)
          .addColumn('transaction_id', 'integer')
          .addColumn('charger_id', 'text', (c) => c.notNull())
          .addColumn('connector_id', 'integer', (c) => c.notNull())
          .addColumn('timestamp', 'text', (c) => c.notNull())
          .addColumn('sampled_value', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('meter_values_transaction').on('meter_values').column('transaction_id').execute();
        await db.schema
          .createTable('ocpp_anomalies')
          .addColumn('id', serialType, serialKey)
          .addColumn('charger_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('transaction_id', 'integer')
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002_webhook_authorization': {
      async up(db: Kysely<any>) {
        for (const [name, type] of [
          ['auth_url', 'text'],
          ['auth_payload', 'text'],
          ['session_start_url', 'text'],
          ['session_end_url', 'text'],
        ] as const) {
          await db.schema.alterTable('installations').addColumn(name, type).execute();
        }
        await db.schema.alterTable('installations').addColumn('offline_allow', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('installations').addColumn('timeout_ms', 'integer', (c) => c.notNull().defaultTo(3000)).execute();
        await db.schema.alterTable('transactions').addColumn('provider_session_id', 'text').execute();
        await db.schema.alterTable('chargers').addColumn('offline_config', 'text').execute();
        // Durable deliveries (session-end calls now, event notifications later), written in the
        // same database transaction as the change they report.
        await db.schema
          .createTable('outbox')
          .addColumn('id', serialType, serialKey)
          .addColumn('topic', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull().unique())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text', (c) => c.notNull())
          .addColumn('locked_until', 'text')
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('delivered_at', 'text')
          .execute();
        await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
      },
    },
    '0003_notifications': {
      async up(db: Kysely<any>) {
        // The event log: one row per event, in the order subscribers receive them.
        await db.schema
          .createTable('events')
          .addColumn('seq', serialType, serialKey)
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('installation_id', 'text', (c) => c.notNull())
          .addColumn('charger_id', 'text')
          .addColumn('occurred_at', 'text', (c) => c.notNull())
          .addColumn('envelope', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_occurred').on('events').column('occurred_at').execute();
        await db.schema
          .createTable('subscriptions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('installation_id', 'text')
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('url', 'text')
          .addColumn('url_mode', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('subscription_ref', 'text')
          .addColumn('auth_kind', 'text', (c) => c.notNull())
          .addColumn('auth_username', 'text')
          .addColumn('auth_password', 'text')
          .addColumn('signature', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('filter', 'text', (c) => c.notNull())
          .addColumn('blocking', 'text', (c) => c.notNull())
          .addColumn('blocking_timeout_ms', 'integer', (c) => c.notNull())
          .addColumn('timeout_ms', 'integer', (c) => c.notNull())
          .addColumn('verify', 'integer', (c) => c.notNull())
          .addColumn('kafka', 'text')
          .addColumn('kafka_password', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('state_reason', 'text')
          .addColumn('cursor', 'bigint', (c) => c.notNull())
          .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text')
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await createDeliveriesTable(db, dialect);
      },
    },
    '0004_charger_security': {
      async up(db: Kysely<any>) {
        // OCPP 1.6 security profiles: 0 none, 1 Basic over ws, 2 TLS + Basic, 3 mutual TLS.
        await db.schema.alterTable('installations').addColumn('security_profile', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('chargers').addColumn('security_profile', 'integer').execute();
        await db.schema.alterTable('chargers').addColumn('password_hash', 'text').execute();
        await db.schema.alterTable('chargers').addColumn('password_set_at', 'text').execute();
      },
    },
    '0005_start_id_tag_info': {
      async up(db: Kysely<any>) {
        // A re-sent StartTransaction gets the first answer again, expiry and parent included,
        // without asking the provider a second time.
        await db.schema.alterTable('transactions').addColumn('auth_expiry_date', 'text').execute();
        await db.schema.alterTable('transactions').addColumn('auth_parent_id_tag', 'text').execute();
      },
    },
    '0006_cluster': {
      async up(db: Kysely<any>) {
        // Presence of the gateway nodes sharing one PostgreSQL database (see src/cluster/).
        await db.schema
          .createTable('nodes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('pid', 'integer', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('heartbeat_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('node_calls')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('charger_id', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('params', 'text', (c) => c.notNull())
          .addColumn('timeout_ms', 'integer', (c) => c.notNull())
          .addColumn('from_node', 'text', (c) => c.notNull())
          .addColumn('to_node', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('reply', 'text')
          .execute();
        await db.schema.createIndex('chargers_node').on('chargers').column('node_id').execute();
        // Who claimed a session-end row: a swept node's claims go back at once, not after the lease.
        await db.schema.alterTable('outbox').addColumn('locked_by', 'text').execute();
      },
    },
    '0007_users': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('installations').addColumn('require_second_factor', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('api_tokens').addColumn('role', 'text', (c) => c.notNull().defaultTo('admin')).execute();
        await db.schema.alterTable('api_tokens').addColumn('installations', 'text', (c) => c.notNull().defaultTo('[]')).execute();
        await db.schema.alterTable('api_tokens').addColumn('created_by', 'text').execute();
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text')
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('user_sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('second_factor_at', 'text')
          .execute();
        await db.schema.createIndex('user_sessions_user').on('user_sessions').column('user_id').execute();
        await db.schema
          .createTable('memberships')
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('installation_id', 'text', (c) => c.notNull().references('installations.id').onDelete('cascade'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'installation_id'])
          .execute();
        await db.schema.createIndex('memberships_installation').on('memberships').column('installation_id').execute();
        await db.schema
          .createTable('totp')
          .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('confirmed_at', 'text')
          .addColumn('last_step', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('recovery_codes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();
        // Failed sign-ins, in the store so the limit holds across gateway nodes.
        await db.schema
          .createTable('login_failures')
          .addColumn('id', serialType, serialKey)
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('login_failures_key').on('login_failures').columns(['key', 'at']).execute();
        // No foreign key: the history of an installation outlives it.
        await db.schema
          .createTable('audit_log')
          .addColumn('id', serialType, serialKey)
          .addColumn('installation_id', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor_kind', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text')
          .addColumn('actor_label', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('changes', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_log_installation').on('audit_log').columns(['installation_id', 'id']).execute();
      },
    },
    '0008_charger_auth_failures': {
      async up(db: Kysely<any>) {
        // Chargers' failed handshakes, in the store so the limit holds across gateway nodes; a
        // table apart from sign-ins, with its own window.
        await db.schema
          .createTable('charger_auth_failures')
          .addColumn('id', serialType, serialKey)
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('charger_auth_failures_key').on('charger_auth_failures').columns(['key', 'at']).execute();
      },
    },
    '0009_charger_ocpp_version': {
      async up(db: Kysely<any>) {
        // The version the charger's current or last connection negotiated: commands are checked against it on any node.
        await db.schema.alterTable('chargers').addColumn('ocpp_version', 'text').execute();
      },
    },
    '0010_transaction_events': {
      async up(db: Kysely<any>) {
        // OCPP 2.0.1 transactions beside 1.6 ones: the charger names them with a string of its own.
        const columns: [string, 'text' | 'integer' | 'bigint'][] = [
          ['charger_tx_id', 'text'],
          ['last_seq_no', 'bigint'],
          ['evse_id', 'integer'],
          ['evse_connector_id', 'integer'],
          ['id_token_type', 'text'],
          ['meter_last_wh', 'bigint'],
        ];
        await db.schema.alterTable('transactions').addColumn('ocpp_version', 'text', (c) => c.notNull().defaultTo('1.6')).execute();
        for (const [name, type] of columns) await db.schema.alterTable('transactions').addColumn(name, type).execute();
        // Null for 1.6 rows (their id is ours), so only 2.0.1 ids are unique per charger.
        await db.schema.createIndex('transactions_charger_tx').on('transactions').columns(['charger_id', 'charger_tx_id']).unique().execute();
        // One row per TransactionEvent applied: a re-sent seqNo conflicts here and has no second effect.
        await db.schema
          .createTable('transaction_events')
          .addColumn('transaction_id', 'integer', (c) => c.notNull())
          .addColumn('seq_no', 'bigint', (c) => c.notNull())
          .addColumn('answer', 'text')
          .addPrimaryKeyConstraint('transaction_events_pk', ['transaction_id', 'seq_no'])
          .execute();
      },
    },
    '0011_evse_device_model': {
      async up(db: Kysely<any>) {
        // OCPP 2.0.1 numbers connectors within an EVSE: the key gains evse_id (0 for 1.6 connectors,
        // which have no EVSE). Neither engine changes a primary key in place the same way: rebuilt.
        await db.schema
          .createTable('connectors_by_evse')
          .addColumn('charger_id', 'text', (c) => c.notNull().references('chargers.id').onDelete('cascade'))
          .addColumn('evse_id', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('connector_id', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('error_code', 'text', (c) => c.notNull())
          .addColumn('info', 'text')
          .addColumn('vendor_error_code', 'text')
          .addColumn('status_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('connectors_by_evse_pk', ['charger_id', 'evse_id', 'connector_id'])
          .execute();
        await sql`INSERT INTO connectors_by_evse (charger_id, evse_id, connector_id, status, error_code, info, vendor_error_code, status_at, updated_at)
          SELECT charger_id, 0, connector_id, status, error_code, info, vendor_error_code, status_at, updated_at FROM connectors`.execute(db);
        await db.schema.dropTable('connectors').execute();
        await db.schema.alterTable('connectors_by_evse').renameTo('connectors').execute();
        // The device model basics a 2.0.1 charger reports (NotifyReport), as JSON.
        await db.schema.alterTable('chargers').addColumn('device_model', 'text').execute();
      },
    },
    '0012_security_events': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('security_events')
          .addColumn('id', serialType, serialKey)
          .addColumn('charger_id', 'text', (c) => c.notNull().references('chargers.id').onDelete('cascade'))
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('timestamp', 'text', (c) => c.notNull())
          .addColumn('tech_info', 'text')
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('security_events_charger').on('security_events').columns(['charger_id', 'id']).execute();
      },
    },
    '0013_id_tag_type': {
      async up(db: Kysely<any>) {
        // An OCPP 2.0.1 IdTokenEnumType (or a 2.1 type) the tag is limited to; null: any type.
        await db.schema.alterTable('id_tags').addColumn('type', 'text').execute();
      },
    },
    '0014_local_lists': {
      async up(db: Kysely<any>) {
        // What an installation puts in its chargers' Local Authorization Lists: off, native, native+recent.
        await db.schema.alterTable('installations').addColumn('local_list', 'text', (c) => c.notNull().defaultTo('off')).execute();
        await db.schema.alterTable('installations').addColumn('local_list_recent_days', 'integer', (c) => c.notNull().defaultTo(30)).execute();
        // Per charger: the list last sent, its version and hash, and what the charger said.
        await db.schema
          .createTable('local_lists')
          .addColumn('charger_id', 'text', (c) => c.primaryKey().references('chargers.id').onDelete('cascade'))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('content_hash', 'text')
          .addColumn('entries', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('answer', 'text')
          .addColumn('max_length', 'integer')
          .addColumn('send_max_length', 'integer')
          .addColumn('bytes_per_message', 'integer')
          .addColumn('synced_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        // Id tags the provider accepted, with its expiry, for native+recent lists.
        await db.schema
          .createTable('recent_id_tags')
          .addColumn('installation_id', 'text', (c) => c.notNull().references('installations.id').onDelete('cascade'))
          .addColumn('id_tag_key', 'text', (c) => c.notNull())
          .addColumn('id_tag', 'text', (c) => c.notNull())
          .addColumn('id_token_type', 'text')
          .addColumn('expiry_date', 'text')
          .addColumn('parent_id_tag', 'text')
          .addColumn('last_used_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('recent_id_tags_pk', ['installation_id', 'id_tag_key'])
          .execute();
        await db.schema.createIndex('recent_id_tags_used').on('recent_id_tags').columns(['installation_id', 'last_used_at']).execute();
        // 1: the charger held the tag as Accepted in the list we sent it when it started the transaction.
        await db.schema.alterTable('transactions').addColumn('auth_local_list', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      },
    },
    '0015_reservations': {
      async up(db: Kysely<any>) {
        // ReserveNow the charger accepted; one row per charger and reservation id (a re-used id replaces it, as the charger does).
        await db.schema
          .createTable('reservations')
          .addColumn('charger_id', 'text', (c) => c.notNull().references('chargers.id').onDelete('cascade'))
          .addColumn('reservation_id', 'integer', (c) => c.notNull())
          .addColumn('installation_id', 'text', (c) => c.notNull())
          .addColumn('connector_id', 'integer', (c) => c.notNull())
          .addColumn('id_tag', 'text', (c) => c.notNull())
          .addColumn('id_tag_key', 'text', (c) => c.notNull())
          .addColumn('parent_id_tag', 'text')
          .addColumn('id_token_type', 'text')
          .addColumn('ocpp_version', 'text', (c) => c.notNull())
          .addColumn('expiry_date', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('transaction_id', 'integer')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('ended_at', 'text')
          .addPrimaryKeyConstraint('reservations_pk', ['charger_id', 'reservation_id'])
          .execute();
        await db.schema.createIndex('reservations_due').on('reservations').columns(['status', 'expiry_date']).execute();
      },
    },
    '0016_charging_profiles': {
      async up(db: Kysely<any>) {
        // Profiles the gateway set on a charger (SetChargingProfile answered Accepted), as sent.
        await db.schema
          .createTable('charging_profiles')
          .addColumn('charger_id', 'text', (c) => c.notNull().references('chargers.id').onDelete('cascade'))
          .addColumn('profile_id', 'integer', (c) => c.notNull())
          .addColumn('connector_id', 'integer', (c) => c.notNull())
          .addColumn('stack_level', 'integer', (c) => c.notNull())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('profile', 'text', (c) => c.notNull())
          .addColumn('set_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('charging_profiles_pk', ['charger_id', 'profile_id'])
          .execute();
      },
    },
    '0021_notification_detail': {
      async up(db: Kysely<any>) {
        // A rotated subscription secret keeps signing beside the new one until the overlap ends.
        await db.schema.alterTable('subscriptions').addColumn('previous_secret', 'text').execute();
        await db.schema.alterTable('subscriptions').addColumn('previous_secret_until', 'text').execute();
        // On SQLite the attempt log lives in its own file (createDeliveryLogMigrator); this file's table gains the columns too, so earlier rows still move over.
        await addAttemptDetail(db);
      },
    },
    '0022_decision_counts': {
      async up(db: Kysely<any>) {
        // Authorization decisions per installation, minute and source, for the dashboard's last hour; pruned after a day.
        await db.schema
          .createTable('decision_counts')
          .addColumn('installation_id', 'text', (c) => c.notNull())
          .addColumn('minute', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('count', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('decision_counts_pk', ['installation_id', 'minute', 'source'])
          .execute();
        await db.schema.createIndex('decision_counts_minute').on('decision_counts').column('minute').execute();
      },
    },
    '0024_ocpi_partners_tokens': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('ocpi_partners')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('country_code', 'text', (c) => c.notNull())
          .addColumn('party_id', 'text', (c) => c.notNull())
          .addColumn('roles', 'text', (c) => c.notNull())
          .addColumn('versions_url', 'text')
          .addColumn('version', 'text')
          .addColumn('endpoints', 'text', (c) => c.notNull())
          .addColumn('outbound_token', 'text')
          .addColumn('inbound_token', 'text')
          .addColumn('inbound_token_hash', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addColumn('last_error_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ocpi_partners_inbound').on('ocpi_partners').column('inbound_token_hash').unique().execute();
        await db.schema
          .createTable('ocpi_tokens')
          .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
          .addColumn('country_code', 'text', (c) => c.notNull())
          .addColumn('party_id', 'text', (c) => c.notNull())
          .addColumn('uid', 'text', (c) => c.notNull())
          .addColumn('uid_key', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('contract_id', 'text', (c) => c.notNull())
          .addColumn('issuer', 'text', (c) => c.notNull())
          .addColumn('group_id', 'text')
          .addColumn('valid', 'integer', (c) => c.notNull())
          .addColumn('whitelist', 'text', (c) => c.notNull())
          .addColumn('last_updated', 'text', (c) => c.notNull())
          .addColumn('token', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('ocpi_tokens_pk', ['country_code', 'party_id', 'uid_key', 'type'])
          .execute();
        await db.schema.createIndex('ocpi_tokens_uid').on('ocpi_tokens').columns(['uid_key', 'type']).execute();
      },
    },
    '0025_installation_auth_sources': {
      async up(db: Kysely<any>) {
        // The order in which an installation's authorization sources are asked (JSON array); null: webhook, then native.
        await db.schema.alterTable('installations').addColumn('auth_sources', 'text').execute();
      },
    },
    '0026_transaction_roaming': {
      async up(db: Kysely<any>) {
        // The OCPI partner that authorized a transaction and its authorization_reference (session, CDR, events).
        await db.schema.alterTable('transactions').addColumn('roaming_partner_id', 'text').execute();
        await db.schema.alterTable('transactions').addColumn('authorization_reference', 'text').execute();
        // JSON: the eMSP's token as its session names it (OCPI CdrToken) and the auth method.
        await db.schema.alterTable('transactions').addColumn('roaming_token', 'text').execute();
      },
    },
    '0027_delivery_cursors': {
      async up(db: Kysely<any>) {
        // On SQLite the table is in the delivery log's file (createDeliveryLogMigrator).
        if (dialect === 'postgres') await createDeliveryCursorsTable(db);
      },
    },
    '0028_installation_location': {
      async up(db: Kysely<any>) {
        // JSON: where the installation is (address, coordinates, time zone) and its connectors' kind, for OCPI Locations.
        await db.schema.alterTable('installations').addColumn('location', 'text').execute();
      },
    },
    '0029_charger_registration': {
      async up(db: Kysely<any>) {
        // How the charger's BootNotification is answered (OCPP RegistrationStatus); every existing charger stays accepted.
        await db.schema.alterTable('chargers').addColumn('registration', 'text', (c) => c.notNull().defaultTo('accepted')).execute();
      },
    },
  };
}

export function createMigrator(db: Kysely<any>, dialect: Dialect): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  return new Migrator({ db, provider });
}

/** The SQLite delivery log file's own migrations. */
export function createDeliveryLogMigrator(db: Kysely<any>): Migrator {
  const provider: MigrationProvider = {
    getMigrations: async () => ({
      '0001_deliveries': { up: (db: Kysely<any>) => createDeliveriesTable(db, 'sqlite') },
      '0002_attempt_detail': { up: addAttemptDetail },
      '0003_delivery_cursors': { up: createDeliveryCursorsTable },
    }),
  };
  return new Migrator({ db, provider });
}

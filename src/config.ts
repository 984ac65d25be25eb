import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isAllowEntry } from './http/addressPolicy.js';

/**
 * The gateway's configuration: one schema, one comment per field. This module is the only
 * reader of process.env. Precedence: defaults < config file < environment < overrides (tests).
 */
export const configSchema = z.object({
  /** Port of the OCPP-J WebSocket server (chargers connect to ws://host:ocppPort/ocpp/{chargerId}). 0 picks a free port. */
  ocppPort: z.number().int().min(0).max(65535).default(9000),
  /** Port of the REST API, health checks and OpenAPI document. 0 picks a free port. */
  httpPort: z.number().int().min(0).max(65535).default(8080),
  /** Address both servers bind to. */
  host: z.string().min(1).default('0.0.0.0'),
  /** postgres://… selects PostgreSQL; unset uses the embedded SQLite file under dataDir. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL').optional(),
  /** Folder for the SQLite file and other local state. */
  dataDir: z.string().min(1).default('./data'),
  /** SQLite durability: NORMAL survives a process crash, FULL also a power loss (slower commits). */
  sqliteSynchronous: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  /** pino level. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * How id tags appear in Authorize and transaction log lines: `plain`, or `masked` (all but the
   * last 3 characters as *) where they are treated as personal data.
   */
  logIdTags: z.enum(['plain', 'masked']).default('plain'),
  /** Bearer token for the REST API. Unset: one is generated on first start, stored hashed, printed once. */
  adminToken: z.string().min(16, 'at least 16 characters').optional(),
  /** Email of the admin user created on the first start with no users (portal sign-in). */
  adminEmail: z.string().trim().toLowerCase().regex(/^[^\s@]+@[^\s@]+$/, 'an email address').default('admin@localhost'),
  /** Password of that first admin user. Unset: one is generated, stored hashed and printed once. */
  adminPassword: z.string().min(12, 'at least 12 characters').max(256).optional(),
  /** A portal session ends after this long without a request (minutes). */
  sessionIdleMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  /** A portal session ends this long after sign-in, however active (hours). */
  sessionMaxHours: z.number().int().min(1).max(30 * 24).default(12),
  /** How long a proven second factor unlocks credentials and subscriptions in a session (minutes). */
  secondFactorFreshMinutes: z.number().int().min(1).max(24 * 60).default(10),
  /** Failed sign-ins per email and per client address before further attempts get 429. */
  loginMaxFailures: z.number().int().min(1).max(1000).default(5),
  /** The window those failures are counted over (minutes); the limit lifts as they age out of it. */
  loginFailureWindowMinutes: z.number().int().min(1).max(24 * 60).default(15),
  /** Issuer shown by authenticator apps next to the account at TOTP enrolment. */
  totpIssuer: z.string().trim().min(1).max(64).default('EV charging gateway'),
  /** Heartbeat interval (seconds) given to chargers in BootNotification.conf. */
  heartbeatIntervalSec: z.number().int().min(10).max(86400).default(300),
  /** WebSocket ping interval (seconds) used to detect dead peers; 0 disables pings. */
  pingIntervalSec: z.number().int().min(0).max(3600).default(30),
  /** Register chargers no installation knows into a default installation instead of refusing them (404). */
  acceptUnknownChargers: z.boolean().default(false),
  /** Name of the installation that unknown chargers join when acceptUnknownChargers is on. */
  defaultInstallationName: z.string().min(1).default('Default'),
  /**
   * How an unknown charger joining that way is registered: 'accepted' serves it at once; 'pending'
   * answers its BootNotification Pending until an operator accepts it (PUT /api/chargers/{id}/registration).
   */
  unknownChargerRegistration: z.enum(['accepted', 'pending']).default('accepted'),
  /** The interval (seconds) a Pending or Rejected BootNotification answer gives: the least wait before the charger boots again. */
  bootRetryIntervalSec: z.number().int().min(1).max(86400).default(60),
  /** Refuse StartTransaction with ConcurrentTx when the id tag already has an active transaction. */
  rejectConcurrentTx: z.boolean().default(true),
  /** DataTransfer vendorIds the gateway accepts; any other gets UnknownVendorId. */
  dataTransferVendorIds: z.array(z.string().min(1)).default([]),
  /** Largest inbound OCPP frame (bytes) processed; larger ones get a CALLERROR. */
  maxFrameBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /** Sustained OCPP messages per second one connection may send; more get a CALLERROR. */
  maxMessagesPerSecond: z.number().int().min(1).max(10_000).default(50),
  /** Messages one connection may send at once (a charger flushing its offline queue). */
  messageBurst: z.number().int().min(1).max(100_000).default(200),
  /**
   * The OCPP URL chargers reach the gateway at, when it is not this host's own (a proxy or load
   * balancer in front), e.g. wss://ocpp.example.com/ocpp: the portal shows it (with /{chargerId}).
   * Unset: ws://<the portal's host>:ocppPort/ocpp (and wss with ocppTlsPort).
   */
  ocppPublicUrl: z
    .string()
    .regex(/^wss?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be a ws:// or wss:// URL without query, e.g. wss://ocpp.example.com/ocpp')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Port of the TLS (wss) OCPP server for security profiles 2 and 3; unset: no TLS listener. */
  ocppTlsPort: z.number().int().min(0).max(65535).optional(),
  /** PEM certificate chain and key of the wss server (reloaded on SIGHUP). */
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  /** PEM CA that signs charger client certificates (security profile 3). */
  tlsCaFile: z.string().min(1).optional(),
  /** PEM certificate of the CA that signs charger certificates on SignCertificate (usually the one in tlsCaFile); unset: SignCertificate is Rejected. */
  chargerCaCertFile: z.string().min(1).optional(),
  /** PEM private key (RSA or EC, unencrypted) of that CA. */
  chargerCaKeyFile: z.string().min(1).optional(),
  /** How long a certificate issued to a charger is valid (days; never beyond the CA's own). */
  chargerCertValidityDays: z.number().int().min(1).max(3650).default(365),
  /** A WebSocket handshake (TCP/TLS connect to upgrade) must finish within this time (ms). */
  handshakeTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** How long a remote command waits for the charger's answer (ms). */
  commandTimeoutMs: z.number().int().min(100).max(120000).default(30000),
  /** Key (base64 of 32 bytes) that encrypts provider credentials at rest; unset: generated in dataDir. */
  secretKey: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'base64 of exactly 32 bytes')
    .optional(),
  /**
   * How long a native id-tag lookup is reused (ms). Changes through this node's API apply at
   * once; with several nodes, others see a change within this time. 0 reads the store every time.
   */
  idTagCacheTtlMs: z.number().int().min(0).max(60_000).default(2000),
  /** Older secret keys (base64 of 32 bytes each): they only decrypt, during a key rotation. */
  previousSecretKeys: z
    .array(z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'base64 of exactly 32 bytes'))
    .default([]),
  /** How long a provider's decision answers repeated requests for the same tag without a call (seconds). */
  decisionCacheTtlSec: z.number().int().min(0).max(86400).default(60),
  /** How long a provider's acceptance is still honoured while the provider is unreachable (seconds). */
  decisionCacheStaleSec: z.number().int().min(0).max(7 * 86400).default(3600),
  /** Most decisions kept in memory (LRU). */
  decisionCacheSize: z.number().int().min(1).max(10_000_000).default(100_000),
  /** Consecutive provider failures that open the circuit breaker. */
  breakerFailures: z.number().int().min(1).max(1000).default(5),
  /** How long an open breaker sends decisions straight to the offline policy before one probe (ms). */
  breakerCooldownMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Connection pool size per provider origin. */
  providerMaxSockets: z.number().int().min(1).max(4096).default(128),
  /** Largest provider response body read (bytes). */
  providerMaxResponseBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /**
   * Webhook targets exempt from the outbound address check, which otherwise refuses loopback,
   * private, link-local and other special ranges: CIDRs ("10.20.0.0/16", "fd00::/8"), addresses or host names.
   */
  outboundAllowList: z.array(z.string().min(1).refine(isAllowEntry, 'must be a CIDR (10.20.0.0/16, ::1/128), an IP address or a host name')).default([]),
  /** Session-end retry backoff: first delay and cap (ms). */
  outboxRetryBaseMs: z.number().int().min(10).max(600_000).default(1000),
  outboxRetryMaxMs: z.number().int().min(100).max(86_400_000).default(300_000),
  /** How often the outbox looks for due deliveries when nothing woke it (ms). */
  outboxPollMs: z.number().int().min(10).max(60_000).default(1000),
  /** How often reservations past their expiry are ended with reservation.expired (ms). */
  reservationSweepMs: z.number().int().min(10).max(600_000).default(5000),
  /** How often live streams (GET /api/installations/:id/live) read new events, one query per watched installation (ms). */
  livePollMs: z.number().int().min(50).max(10_000).default(300),
  /** Id tag and setting changes within this long make one Local Authorization List sync per charger (ms). */
  localListDebounceMs: z.number().int().min(0).max(60_000).default(500),
  /** How often an idle live stream sends a keepalive comment, so proxies keep it open (ms). */
  liveKeepaliveMs: z.number().int().min(100).max(300_000).default(15_000),
  /**
   * How long SIGTERM/SIGINT may take (ms): stop accepting, close chargers with 1001, finish
   * deliveries in flight, close the store. Past it the process exits 1 with work left undone.
   */
  shutdownTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Delays before the 3 quick retries of a failed notification (ms); then the subscription queues. */
  notificationRetryDelaysMs: z.array(z.number().int().min(0).max(60_000)).length(3).default([200, 500, 1000]),
  /** Cap of the growing probe interval of a queued subscription (ms). */
  notificationProbeMaxMs: z.number().int().min(100).max(3_600_000).default(300_000),
  /**
   * CPU priority of the notification delivery thread. `idle` (Linux, with util-linux's chrt):
   * SCHED_IDLE, it runs only on CPU the charger path leaves, so a burst of deliveries never
   * delays a charger's reply; `low`: nice +10 only, deliveries keep a share under full load.
   */
  notificationPriority: z.enum(['idle', 'low']).default('idle'),
  /** Delivery attempts and delivered events are kept this long (hours). */
  notificationRetentionHours: z.number().int().min(1).max(24 * 365).default(168),
  /**
   * Names this gateway process in the cluster (which node holds which charger, who holds a
   * lease). Unique per process by default (host, pid, random), so two processes on one host
   * never share one; a fixed NODE_ID must be unique among running nodes too.
   */
  nodeId: z.string().min(1).max(200).default(() => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
  /** How often a node writes its heartbeat to the presence table (ms; PostgreSQL only). */
  nodeHeartbeatMs: z.number().int().min(100).max(60_000).default(3000),
  /**
   * A node whose heartbeat is older than this is dead (ms): any live node sweeps it, marking its
   * chargers offline. At least twice nodeHeartbeatMs, so one late write is not a death.
   */
  nodeTimeoutMs: z.number().int().min(200).max(600_000).default(10_000),
  /** OCPI: the gateway's own party as a CPO, ISO 3166 alpha-2 country code (e.g. NL). Unset: OCPI is off. */
  ocpiCountryCode: z.string().regex(/^[A-Za-z]{2}$/, 'two letters (ISO 3166 alpha-2), e.g. NL').transform((v) => v.toUpperCase()).optional(),
  /** OCPI: the gateway's party id (ISO 15118 operator id, three letters or digits, e.g. EXA). */
  ocpiPartyId: z.string().regex(/^[A-Za-z0-9]{3}$/, 'three letters or digits, e.g. EXA').transform((v) => v.toUpperCase()).optional(),
  /** OCPI: the operator's name eMSPs see in the credentials' business details. */
  ocpiBusinessName: z.string().trim().min(1).max(100).optional(),
  /** OCPI: the public base URL eMSPs reach this gateway's /ocpi at (e.g. https://gw.example.com); unset: the request's own host. */
  ocpiPublicUrl: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'an http:// or https:// URL without query, e.g. https://gw.example.com')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** OCPI whitelist ALLOWED: also ask the eMSP in real time (true), or let the pushed token decide alone (false). */
  ocpiRealtimeForAllowed: z.boolean().default(false),
  /** OCPI: ISO 4217 currency of the sessions pushed to eMSPs. */
  ocpiCurrency: z.string().regex(/^[A-Z]{3}$/, 'three capital letters (ISO 4217), e.g. EUR').default('EUR'),
  /** OCPI: how often a charging roaming session's energy so far is sent to its eMSP (ms); 0: only at start and stop. */
  ocpiSessionUpdateMs: z
    .number()
    .int()
    .refine((ms) => ms === 0 || (ms >= 100 && ms <= 3_600_000), 'must be 0 (off) or 100 to 3600000 ms')
    .default(300_000),
  /** OCPI: how often published Locations and their EVSEs' statuses are checked for changes to send to eMSPs (ms); 0: never sent. */
  ocpiLocationUpdateMs: z
    .number()
    .int()
    .refine((ms) => ms === 0 || (ms >= 100 && ms <= 3_600_000), 'must be 0 (off) or 100 to 3600000 ms')
    .default(10_000),
});

/** The OCPI party keys: all three or none. */
const OCPI_PARTY_KEYS = ['ocpiCountryCode', 'ocpiPartyId', 'ocpiBusinessName'] as const;

export type Config = z.infer<typeof configSchema>;
export type ConfigOverrides = Partial<Config>;

/** Environment variable → config key, with how to parse the string. */
const envKeys: Record<string, { key: keyof Config; parse: 'int' | 'bool' | 'string' | 'list' }> = {
  OCPP_PORT: { key: 'ocppPort', parse: 'int' },
  OCPP_PUBLIC_URL: { key: 'ocppPublicUrl', parse: 'string' },
  HTTP_PORT: { key: 'httpPort', parse: 'int' },
  HOST: { key: 'host', parse: 'string' },
  DATABASE_URL: { key: 'databaseUrl', parse: 'string' },
  DATA_DIR: { key: 'dataDir', parse: 'string' },
  SQLITE_SYNCHRONOUS: { key: 'sqliteSynchronous', parse: 'string' },
  LOG_LEVEL: { key: 'logLevel', parse: 'string' },
  LOG_ID_TAGS: { key: 'logIdTags', parse: 'string' },
  ADMIN_TOKEN: { key: 'adminToken', parse: 'string' },
  ADMIN_EMAIL: { key: 'adminEmail', parse: 'string' },
  ADMIN_PASSWORD: { key: 'adminPassword', parse: 'string' },
  SESSION_IDLE_MINUTES: { key: 'sessionIdleMinutes', parse: 'int' },
  SESSION_MAX_HOURS: { key: 'sessionMaxHours', parse: 'int' },
  SECOND_FACTOR_FRESH_MINUTES: { key: 'secondFactorFreshMinutes', parse: 'int' },
  LOGIN_MAX_FAILURES: { key: 'loginMaxFailures', parse: 'int' },
  LOGIN_FAILURE_WINDOW_MINUTES: { key: 'loginFailureWindowMinutes', parse: 'int' },
  TOTP_ISSUER: { key: 'totpIssuer', parse: 'string' },
  HEARTBEAT_INTERVAL_SEC: { key: 'heartbeatIntervalSec', parse: 'int' },
  PING_INTERVAL_SEC: { key: 'pingIntervalSec', parse: 'int' },
  ACCEPT_UNKNOWN_CHARGERS: { key: 'acceptUnknownChargers', parse: 'bool' },
  DEFAULT_INSTALLATION_NAME: { key: 'defaultInstallationName', parse: 'string' },
  UNKNOWN_CHARGER_REGISTRATION: { key: 'unknownChargerRegistration', parse: 'string' },
  BOOT_RETRY_INTERVAL_SEC: { key: 'bootRetryIntervalSec', parse: 'int' },
  REJECT_CONCURRENT_TX: { key: 'rejectConcurrentTx', parse: 'bool' },
  DATA_TRANSFER_VENDOR_IDS: { key: 'dataTransferVendorIds', parse: 'list' },
  MAX_FRAME_BYTES: { key: 'maxFrameBytes', parse: 'int' },
  MAX_MESSAGES_PER_SECOND: { key: 'maxMessagesPerSecond', parse: 'int' },
  MESSAGE_BURST: { key: 'messageBurst', parse: 'int' },
  HANDSHAKE_TIMEOUT_MS: { key: 'handshakeTimeoutMs', parse: 'int' },
  OCPP_TLS_PORT: { key: 'ocppTlsPort', parse: 'int' },
  TLS_CERT_FILE: { key: 'tlsCertFile', parse: 'string' },
  TLS_KEY_FILE: { key: 'tlsKeyFile', parse: 'string' },
  TLS_CA_FILE: { key: 'tlsCaFile', parse: 'string' },
  CHARGER_CA_CERT_FILE: { key: 'chargerCaCertFile', parse: 'string' },
  CHARGER_CA_KEY_FILE: { key: 'chargerCaKeyFile', parse: 'string' },
  CHARGER_CERT_VALIDITY_DAYS: { key: 'chargerCertValidityDays', parse: 'int' },
  COMMAND_TIMEOUT_MS: { key: 'commandTimeoutMs', parse: 'int' },
  NODE_ID: { key: 'nodeId', parse: 'string' },
  NODE_HEARTBEAT_MS: { key: 'nodeHeartbeatMs', parse: 'int' },
  NODE_TIMEOUT_MS: { key: 'nodeTimeoutMs', parse: 'int' },
  SECRET_KEY: { key: 'secretKey', parse: 'string' },
  PREVIOUS_SECRET_KEYS: { key: 'previousSecretKeys', parse: 'list' },
  ID_TAG_CACHE_TTL_MS: { key: 'idTagCacheTtlMs', parse: 'int' },
  NOTIFICATION_PROBE_MAX_MS: { key: 'notificationProbeMaxMs', parse: 'int' },
  NOTIFICATION_RETENTION_HOURS: { key: 'notificationRetentionHours', parse: 'int' },
  NOTIFICATION_PRIORITY: { key: 'notificationPriority', parse: 'string' },
  DECISION_CACHE_TTL_SEC: { key: 'decisionCacheTtlSec', parse: 'int' },
  DECISION_CACHE_STALE_SEC: { key: 'decisionCacheStaleSec', parse: 'int' },
  DECISION_CACHE_SIZE: { key: 'decisionCacheSize', parse: 'int' },
  BREAKER_FAILURES: { key: 'breakerFailures', parse: 'int' },
  BREAKER_COOLDOWN_MS: { key: 'breakerCooldownMs', parse: 'int' },
  PROVIDER_MAX_SOCKETS: { key: 'providerMaxSockets', parse: 'int' },
  PROVIDER_MAX_RESPONSE_BYTES: { key: 'providerMaxResponseBytes', parse: 'int' },
  OUTBOUND_ALLOW_LIST: { key: 'outboundAllowList', parse: 'list' },
  OUTBOX_RETRY_BASE_MS: { key: 'outboxRetryBaseMs', parse: 'int' },
  OUTBOX_RETRY_MAX_MS: { key: 'outboxRetryMaxMs', parse: 'int' },
  OUTBOX_POLL_MS: { key: 'outboxPollMs', parse: 'int' },
  RESERVATION_SWEEP_MS: { key: 'reservationSweepMs', parse: 'int' },
  LIVE_POLL_MS: { key: 'livePollMs', parse: 'int' },
  LIVE_KEEPALIVE_MS: { key: 'liveKeepaliveMs', parse: 'int' },
  LOCAL_LIST_DEBOUNCE_MS: { key: 'localListDebounceMs', parse: 'int' },
  SHUTDOWN_TIMEOUT_MS: { key: 'shutdownTimeoutMs', parse: 'int' },
  OCPI_COUNTRY_CODE: { key: 'ocpiCountryCode', parse: 'string' },
  OCPI_PARTY_ID: { key: 'ocpiPartyId', parse: 'string' },
  OCPI_BUSINESS_NAME: { key: 'ocpiBusinessName', parse: 'string' },
  OCPI_PUBLIC_URL: { key: 'ocpiPublicUrl', parse: 'string' },
  OCPI_REALTIME_FOR_ALLOWED: { key: 'ocpiRealtimeForAllowed', parse: 'bool' },
  OCPI_CURRENCY: { key: 'ocpiCurrency', parse: 'string' },
  OCPI_SESSION_UPDATE_MS: { key: 'ocpiSessionUpdateMs', parse: 'int' },
  OCPI_LOCATION_UPDATE_MS: { key: 'ocpiLocationUpdateMs', parse: 'int' },
};

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

function parseEnvValue(raw: string, parse: 'int' | 'bool' | 'string' | 'list'): unknown {
  if (parse === 'int') return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (parse === 'bool') {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    return raw;
  }
  if (parse === 'list') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  return raw;
}

function readEnv(env: NodeJS.ProcessEnv): { values: Record<string, unknown>; names: Map<string, string> } {
  const values: Record<string, unknown> = {};
  const names = new Map<string, string>();
  for (const [name, { key, parse }] of Object.entries(envKeys)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    values[key] = parseEnvValue(raw, parse);
    names.set(key, name);
  }
  return { values, names };
}

function readFile(path: string | undefined, required: boolean): Record<string, unknown> {
  if (!path || (!required && !existsSync(path))) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Config file ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (err) {
    throw new ConfigError(`Config file ${path} is not a JSON object: ${(err as Error).message}`);
  }
}

function configPathFromArgs(argv: string[], env: NodeJS.ProcessEnv): { path: string; required: boolean } {
  const i = argv.indexOf('--config');
  if (i >= 0) {
    const path = argv[i + 1];
    if (!path) throw new ConfigError('--config needs a path');
    return { path: resolve(path), required: true };
  }
  if (env.CONFIG) return { path: resolve(env.CONFIG), required: true };
  return { path: resolve('config/default.json'), required: false };
}

/** Validates and names the offending key (and its environment variable) in the error. */
export function parseConfig(input: Record<string, unknown>, envNames = new Map<string, string>()): Config {
  const unknown = Object.keys(input).filter((k) => !(k in configSchema.shape));
  if (unknown.length) throw new ConfigError(`Invalid configuration: unknown key "${unknown[0]}"`);
  const result = configSchema.safeParse(input);
  if (result.success) {
    const c = result.data;
    if (c.ocppTlsPort !== undefined && (!c.tlsCertFile || !c.tlsKeyFile)) {
      const missing = !c.tlsCertFile ? 'tlsCertFile' : 'tlsKeyFile';
      throw new ConfigError(`Invalid configuration: ${missing}: required when ocppTlsPort is set`);
    }
    if (!c.chargerCaCertFile !== !c.chargerCaKeyFile) {
      const missing = !c.chargerCaCertFile ? 'chargerCaCertFile' : 'chargerCaKeyFile';
      throw new ConfigError(`Invalid configuration: ${missing}: required with ${missing === 'chargerCaCertFile' ? 'chargerCaKeyFile' : 'chargerCaCertFile'}`);
    }
    if (c.nodeTimeoutMs < 2 * c.nodeHeartbeatMs) {
      const where = envNames.has('nodeTimeoutMs') ? 'nodeTimeoutMs (env NODE_TIMEOUT_MS)' : 'nodeTimeoutMs';
      throw new ConfigError(`Invalid configuration: ${where}: must be at least twice nodeHeartbeatMs (${c.nodeHeartbeatMs})`);
    }
    const missingParty = OCPI_PARTY_KEYS.find((k) => c[k] === undefined);
    if (missingParty && OCPI_PARTY_KEYS.some((k) => c[k] !== undefined)) {
      const given = OCPI_PARTY_KEYS.filter((k) => c[k] !== undefined);
      throw new ConfigError(`Invalid configuration: ${missingParty}: required when ${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} set (the gateway's OCPI party)`);
    }
    return c;
  }
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const env = envNames.get(String(issue.path[0]));
    const where = env ? `${key} (env ${env})` : key;
    return `${where}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
}

export function loadConfig(opts: { argv?: string[]; env?: NodeJS.ProcessEnv; overrides?: ConfigOverrides } = {}): Config {
  const env = opts.env ?? process.env;
  const { path, required } = configPathFromArgs(opts.argv ?? process.argv.slice(2), env);
  const fromEnv = readEnv(env);
  return parseConfig({ ...readFile(path, required), ...fromEnv.values, ...(opts.overrides ?? {}) }, fromEnv.names);
}

/** Each environment variable with the config key it sets (.env.example is made from this: src/envExample.ts). */
export const ENV_CONFIG_KEYS: Readonly<Record<string, keyof Config>> = Object.freeze(Object.fromEntries(Object.entries(envKeys).map(([name, { key }]) => [name, key])));

/** The environment variables the loader reads, so a deployment's environment can be checked against them. */
export const ENV_VARIABLES: readonly string[] = Object.freeze(Object.keys(envKeys));

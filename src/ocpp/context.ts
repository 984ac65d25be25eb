import type { Logger } from '../log.js';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { Authorize } from '../authorization/chain.js';
import type { SettingsSource } from '../authorization/settings.js';
import type { OutboxWorker } from '../providers/sessionEndWorker.js';
import type { Recorder } from '../notifications/record.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { OcppVersion } from './versions.js';
import type { CertificateAuthority } from './certificates/issue.js';
import type { RegistrationState } from './registration.js';

/** What every OCPP handler needs; built once per gateway. */
export interface OcppDeps {
  config: Config;
  store: Store;
  authorize: Authorize;
  /** Installation settings (authentication mode, URLs, offlineAllow), cached briefly. */
  settings: SettingsSource;
  /** Woken after a stop wrote a session-end row, so delivery does not wait for the next poll. */
  outbox: Pick<OutboxWorker, 'kick'>;
  /** Writes the events a state change causes in the same database transaction. */
  events: Recorder;
  log: Logger;
  /** This node's live connections. */
  registry: ConnectionRegistry;
  /** Other nodes sharing the database: told when this node takes a charger over from one. */
  cluster: { tookOver(chargerId: string, fromNode: string, since: number): void };
  /** Signs chargers' certificates (SignCertificate); absent when the operator configured no CA. */
  certificateAuthority?: CertificateAuthority;
  /** Keeps chargers' Local Authorization Lists in line with their installation's setting (src/ocpp/localList). */
  localList: { charger(chargerId: string): void };
}

/** One charger's connection: who it is, where it belongs, its logger. */
export interface ChargerContext {
  chargerId: string;
  installationId: string;
  /** The version this connection negotiated. */
  ocppVersion: OcppVersion;
  log: Logger;
  /** Whether the charger is served on this connection (its BootNotification answers). */
  registration: RegistrationState;
}

export { versionOf, type OcppVersion } from './versions.js';

export type { ChargerConnection, ChargerSession } from './connectionRegistry.js';

/** `signal` aborts when the charger's connection ends; a handler may ignore it. */
export type Handler<P = any, R = any> = (deps: OcppDeps, ctx: ChargerContext, params: P, signal?: AbortSignal) => Promise<R>;

/** A start stamped this long before it reached us happened while the charger was offline. */
const LATE_AFTER_MS = 60_000;

/** Whether a start (canonical time) was reported late: the provider is told, and no cached decision answers it. */
export const reportedLate = (startTime: string): boolean => Date.now() - Date.parse(startTime) > LATE_AFTER_MS;

/** Charger timestamps arrive in any RFC 3339 form; stored ones are canonical so they compare as strings. */
export function canonicalTime(value: string | undefined, fallback = new Date()): string {
  if (value === undefined) return fallback.toISOString();
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? fallback.toISOString() : new Date(ms).toISOString();
}

/** A charger's meter values with canonical timestamps, the sampled values as sent. */
export function canonicalMeterValues(meterValue: { timestamp: string; sampledValue: unknown[] }[]) {
  return meterValue.map((v) => ({ timestamp: canonicalTime(v.timestamp), sampledValue: v.sampledValue }));
}

import type { Registry as MetricsRegistry } from 'prom-client';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Installation } from '../store/installations.js';
import type { Recorder } from '../notifications/record.js';
import type { Notifications } from '../notifications/service.js';
import type { LiveFeed } from '../notifications/live.js';
import type { AuthenticationTest } from '../authorization/authenticationTest.js';
import type { Commands } from '../ocpp/commands.js';
import type { AddressPolicy } from '../http/addressPolicy.js';
import type { ConnectionRegistry } from '../ocpp/connectionRegistry.js';
import type { TokenCheck } from './adminToken.js';
import type { Ocpi } from '../ocpi/service.js';

export interface ApiDeps {
  config: Config;
  store: Store;
  log: Logger;
  commands: Commands;
  tokens: TokenCheck;
  registry: ConnectionRegistry;
  hooks: ApiHooks;
  events: Recorder;
  notifications: Notifications;
  /** Which hosts provider and subscription URLs may point to. */
  outbound: AddressPolicy;
  /** Served at /metrics. */
  metrics: MetricsRegistry;
  /** Installations' events for GET /api/installations/:id/live. */
  live: LiveFeed;
  /** POST /api/installations/:id/authentication/test. */
  authenticationTest: AuthenticationTest;
  /** The portal's build; by default the one next to the code (src/api/portal.ts). */
  portalDir?: string;
  /** The OCPI side (/ocpi and the partners API); undefined when no OCPI party is configured. */
  ocpi?: Ocpi;
  /** The OCPP ports once listening (0 in config means "any"), for the URLs the portal shows. */
  ocppListening: OcppListening;
}

export interface OcppListening {
  ws?: number;
  wss?: number;
}

/** What the rest of the gateway must hear about changes made through the API. */
export interface ApiHooks {
  authenticationChanged(before: Installation, after: Installation): void;
  /** An installation's id tags were added, changed or removed (or the installation itself). */
  idTagsChanged(installationId: string): void;
  /** The installation's localList setting changed: its chargers' lists are brought in line. */
  localListChanged(before: Installation, after: Installation): void;
  /** A site owner asked for a charger's whole list again: the installation's chargers are synced (on whichever node holds them). */
  localListResync(installationId: string): void;
  /** The order of the installation's authorization sources changed. */
  authorizationSourcesChanged(installationId: string): void;
}

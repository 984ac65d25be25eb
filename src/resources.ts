import type { Logger } from './log.js';
import { createSecretBox, type SecretBox } from './secrets.js';
import { createStore, type Store } from './store/index.js';
import type { OpenStoreOptions } from './store/db.js';
import { createAddressPolicy, type AddressPolicy } from './http/addressPolicy.js';
import { createHttpClient, type HttpClient } from './http/client.js';
import type { Config } from './config.js';

/** The config with the key the gateway seals with resolved (configured or from the key file); previousSecretKeys only open. */
export type ResolvedConfig = Config & { secretKey: string };

export interface Resources {
  secretBox: SecretBox;
  store: Store;
  /** The outbound address policy the HTTP client applies, for Kafka brokers too. */
  outbound: AddressPolicy;
  http: HttpClient;
}

const key = (k: string) => Buffer.from(k, 'base64');

/**
 * The store, the outbound address policy and the HTTP client, built from the config: the main
 * thread and the delivery thread each open their own this same way.
 */
export async function openResources(
  config: ResolvedConfig,
  log: Logger,
  /** Which SQLite file checkpoints this side runs (db.ts). */
  checkpoints: Pick<OpenStoreOptions, 'sqliteCheckpoints' | 'sqliteLogCheckpoints'> = {},
): Promise<Resources> {
  const secretBox = createSecretBox(key(config.secretKey), config.previousSecretKeys.map(key));
  const store = await createStore({ ...config, ...checkpoints, secretBox, log });
  // One policy for both ends: the API refuses such URLs at save time, the client at connect time.
  const outbound = createAddressPolicy({ allow: config.outboundAllowList });
  const http = createHttpClient({ maxSocketsPerOrigin: config.providerMaxSockets, maxResponseBytes: config.providerMaxResponseBytes, policy: outbound });
  return { secretBox, store, outbound, http };
}

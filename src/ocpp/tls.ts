import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';

function read(key: 'tlsCertFile' | 'tlsKeyFile' | 'tlsCaFile', path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function contextOptions(config: Config): SecureContextOptions {
  return { cert: read('tlsCertFile', config.tlsCertFile), key: read('tlsKeyFile', config.tlsKeyFile), ca: read('tlsCaFile', config.tlsCaFile) };
}

/**
 * The wss listener (security profiles 2 and 3): TLS 1.2 or newer; a client certificate is asked
 * for when a CA is configured but not required at the TLS layer, so that a charger without one
 * gets a clear 401 from the handshake instead of a bare TLS alert.
 */
export function createTlsServer(config: Config): { server: Server; reload(): void } {
  const server = createServer({
    ...contextOptions(config),
    minVersion: 'TLSv1.2',
    requestCert: Boolean(config.tlsCaFile),
    rejectUnauthorized: false,
    handshakeTimeout: config.handshakeTimeoutMs,
  });
  server.headersTimeout = config.handshakeTimeoutMs;
  server.requestTimeout = config.handshakeTimeoutMs;
  return {
    server,
    // New connections use the files as they are now; open ones keep their session.
    reload: () => server.setSecureContext(contextOptions(config)),
  };
}

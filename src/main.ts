import { startGateway } from './app.js';
import { ConfigError } from './config.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { shutdown } from './shutdown.js';
import { guardProcess } from './processGuards.js';
import type { Logger } from './log.js';

/** How long an out-of-time shutdown may spend giving back claimed session-end rows. */
const ABANDON_WAIT_MS = 1000;

/** Composition root for the process: start, print the one-time token, stop on signals. */
async function main(): Promise<void> {
  let log: Logger | undefined;
  guardProcess(() => log);
  const gateway = await startGateway();
  log = gateway.log;
  if (gateway.adminToken && !gateway.config.adminToken) {
    // Printed once, outside the log stream, so it never lands in log storage.
    process.stderr.write(
      `\nGenerated API admin token (shown once, stored hashed):\n  ${gateway.adminToken}\n` +
        `Set ADMIN_TOKEN to choose your own (this one is then revoked). Lost it? npm run admin -- mint-token\n\n`,
    );
  }
  if (gateway.adminUser?.generatedPassword) {
    process.stderr.write(
      `\nCreated the portal admin user ${gateway.adminUser.email}; generated password (shown once, stored hashed):\n` +
        `  ${gateway.adminUser.generatedPassword}\nSet ADMIN_PASSWORD to choose your own on a first start. ` +
        `Lost it? npm run admin -- reset-password ${gateway.adminUser.email}\n\n`,
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = gateway.config.shutdownTimeoutMs;
    gateway.log.info({ signal, timeoutMs }, 'shutting down');
    const started = Date.now();
    // The last line of every run, so a log shows a stop was a stop and not a crash.
    const exit = (exitCode: number) => {
      gateway.log.info({ signal, exitCode, ms: Date.now() - started }, 'stopped');
      process.exit(exitCode);
    };
    try {
      if (await shutdown(gateway, timeoutMs)) return exit(0);
      gateway.log.error({ timeoutMs }, 'shutdown did not finish in time; exiting with work undone');
      // Undone, not lost: the rows are stored; giving back their claims lets them go out at once.
      await Promise.race([gateway.abandonInFlight().catch(() => undefined), sleep(ABANDON_WAIT_MS)]);
    } catch (err) {
      gateway.log.error({ err }, 'shutdown failed');
    }
    exit(1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => {
    try {
      gateway.reloadTls();
      gateway.log.info('TLS certificate reloaded');
    } catch (err) {
      gateway.log.error({ err }, 'TLS certificate reload failed; keeping the current one');
    }
  });
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : `Start-up failed: ${err?.message ?? err}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

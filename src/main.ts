import { startGateway } from './app.js';
import { ConfigError } from './config.js';

/** Composition root for the process: start, print the one-time token, stop on signals. */
async function main(): Promise<void> {
  const gateway = await startGateway();
  if (gateway.adminToken && !gateway.config.adminToken) {
    // Printed once, outside the log stream, so it never lands in log storage.
    process.stderr.write(
      `\nGenerated API admin token (shown once, stored hashed):\n  ${gateway.adminToken}\n` +
        `Set ADMIN_TOKEN to choose your own.\n\n`,
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await gateway.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : `Start-up failed: ${err?.message ?? err}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

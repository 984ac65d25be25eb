import type { Logger } from './log.js';

/**
 * The last line of defence: a rejection nobody handled is logged with its stack and the gateway
 * goes on (one failed background task must not drop every charger); an uncaught exception leaves
 * the process in an unknown state, so it is logged and the process exits for its supervisor to
 * restart it. Never silently, either way.
 */
export function guardProcess(logger: () => Logger | undefined, exit: (code: number) => void = process.exit): void {
  process.on('unhandledRejection', (reason) => {
    const log = logger();
    if (log) log.error({ err: reason }, 'unhandled promise rejection; the gateway goes on');
    else process.stderr.write(`Unhandled promise rejection: ${describe(reason)}\n`);
  });
  process.on('uncaughtException', (err, origin) => {
    const log = logger();
    if (log) log.fatal({ err, origin }, 'uncaught exception; exiting');
    else process.stderr.write(`Uncaught exception (${origin}): ${describe(err)}\n`);
    exit(1);
  });
}

function describe(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}

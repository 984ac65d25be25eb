// Command-line handling shared by the simulators: strict flags, usage on --help, exit 2 on a bad
// flag, exit 1 on a failure, and a server that closes on Ctrl-C.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Cli {
  fail(message: string): never;
  integer(name: string, text: string, min: number, max?: number): number;
}

export function cli(program: string, usage: string): Cli {
  const fail = (message: string): never => {
    process.stderr.write(`${program}: ${message}\n\n${usage}`);
    process.exit(2);
  };
  return {
    fail,
    integer(name, text, min, max = Number.MAX_SAFE_INTEGER) {
      const n = Number(text);
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer ${range}, got "${text}"`);
      return n;
    },
  };
}

/** The parsed flags, or undefined after printing usage for --help. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(options: O, usage: string, c: Cli) {
  let values;
  try {
    ({ values } = parseArgs({ options, strict: true, allowPositionals: false }));
  } catch (err) {
    c.fail((err as Error).message);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(usage);
    return undefined;
  }
  return values;
}

/** Closes the server on SIGINT or SIGTERM, then exits. */
export function closeOnSignals(server: { close(): Promise<void> }): void {
  const stop = () => {
    process.stdout.write('\nclosing...\n');
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Runs the command; what it throws is printed as `program: message`, with exit code 1. */
export function run(program: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${program}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.js';
import { createSecretBox, loadSecretKeys } from '../secrets.js';
import { createStore, type Store } from '../store/index.js';
import { NotFoundError, parseArgs, UsageError } from './args.js';
import type { Command, CommandContext } from './context.js';
import { createAdmin, removeSecondFactor, resetPassword } from './users.js';
import { listTokens, mintToken, revokeToken } from './tokens.js';
import { rotateSecretKey } from './secretKey.js';
import { exportInstallations, importInstallations } from './installations.js';

/** `npm run admin -- <command>`: the operator's way back in, on the configured database, without the server. */
const COMMANDS: Record<string, Command> = {
  'reset-password': resetPassword,
  'remove-second-factor': removeSecondFactor,
  'create-admin': createAdmin,
  'mint-token': mintToken,
  'revoke-token': revokeToken,
  'list-tokens': listTokens,
  'rotate-secret-key': rotateSecretKey,
  export: exportInstallations,
  import: importInstallations,
};

/** 0 done; 1 failed (database, configuration); 2 called wrongly; 3 what it names is missing or taken. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3 } as const;

function help(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    'Usage: npm run admin -- <command> [arguments]',
    'Works on the database the gateway is configured with (DATABASE_URL or DATA_DIR, CONFIG, SECRET_KEY); the gateway need not run.',
    '',
    ...lines,
    '',
    'Exit codes: 0 done, 1 failed, 2 wrong arguments, 3 not found or already there.',
  ].join('\n');
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.once('error', reject);
  });
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const stdout = (line: string) => process.stdout.write(`${line}\n`);
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  if (!name || name === 'help' || name === '--help') {
    stdout(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    stderr(`Unknown command "${name}".\n\n${help()}`);
    return EXIT.usage;
  }
  let store: Store | undefined;
  try {
    const args = parseArgs(rest, command.options);
    // The gateway's own --config is read from the environment (CONFIG) here: argv belongs to the command.
    const config = loadConfig({ argv: [] });
    const log = pino({ level: 'silent' });
    const keys = loadSecretKeys(config.secretKey, config.dataDir, log);
    const box = createSecretBox(keys.current, [...keys.previous, ...config.previousSecretKeys.map((k) => Buffer.from(k, 'base64'))]);
    store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous, sqliteCheckpoints: 'onCommit', secretBox: box, log });
    const ctx: CommandContext = { store, config, keys, box, print: stdout, note: stderr, readStdin };
    await command.run(ctx, args);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      stderr(`${name}: ${err.message}\nUsage: npm run admin -- ${command.usage}`);
      return EXIT.usage;
    }
    if (err instanceof NotFoundError) {
      stderr(`${name}: ${err.message}`);
      return EXIT.notFound;
    }
    stderr(`${name} failed: ${err instanceof ConfigError ? err.message : ((err as Error).message ?? err)}`);
    return EXIT.failed;
  } finally {
    await store?.close();
  }
}

process.exitCode = await runCli(process.argv.slice(2));

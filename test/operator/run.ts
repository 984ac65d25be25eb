import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '../helpers/databases.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- <args>` as a child process on the test database, as an operator runs it. */
export function runAdmin(tdb: Pick<TestDatabase, 'dataDir' | 'databaseUrl'>, args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/operator/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: tdb.dataDir, ...(tdb.databaseUrl && { DATABASE_URL: tdb.databaseUrl }), ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

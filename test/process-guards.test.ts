import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a snippet in a fresh Node process with the gateway's process guards installed. */
function runGuarded(snippet: string) {
  const script = `
    import { guardProcess } from './src/processGuards.ts';
    import { createLogger } from './src/log.ts';
    const log = createLogger('info');
    guardProcess(() => log);
    ${snippet}`;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  const lines = out.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  return { status: out.status, lines, stdout: out.stdout };
}

describe('process guards', () => {
  it('logs a promise rejection nobody handled, with its stack, and the process goes on', () => {
    const run = runGuarded(`Promise.reject(new Error('nobody caught me')); setTimeout(() => console.log('still running'), 50);`);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('still running');
    const line = run.lines.find((l) => /unhandled promise rejection/.test(l.msg));
    expect(line).toMatchObject({ level: 50, err: { message: 'nobody caught me' } });
    expect(line.err.stack).toContain('nobody caught me');
  });

  it('logs an uncaught exception at fatal and exits with 1, never silently', () => {
    const run = runGuarded(`setTimeout(() => { throw new Error('thrown in a timer'); }, 10); setTimeout(() => console.log('still running'), 500);`);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('still running');
    expect(run.lines.find((l) => /uncaught exception/.test(l.msg))).toMatchObject({ level: 60, err: { message: 'thrown in a timer' } });
  });
});

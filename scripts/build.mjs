// @ts-check
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleness } from './freshness.mjs';

/**
 * `npm start` (prestart) and `npm run build`: builds the server (tsc) and the portal (vite) only
 * when their sources changed since the last good build; `--force` builds both. Plain Node, no
 * TypeScript loader: an unchanged tree starts without paying for one.
 */

const PORTAL = join('src', 'portal');

/** What each build reads: its sources, its settings, and the locked dependencies. */
export const TARGETS = [
  {
    name: 'server',
    inputs: ['src', 'simulators', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    // The portal is vite's; its files change nothing tsc emits.
    /** @param {string} path */
    skip: (path) => path === PORTAL || path.startsWith(PORTAL + '/'),
    outputs: ['dist/src/main.js'],
    stamp: 'dist/.built/server',
    command: ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
  },
  {
    name: 'portal',
    inputs: ['src/portal', 'package-lock.json'],
    outputs: ['dist/portal/index.html'],
    stamp: 'dist/.built/portal',
    command: ['node_modules/vite/bin/vite.js', 'build', '--config', 'src/portal/vite.config.ts', '--logLevel', 'warn'],
  },
];

/**
 * @param {string} root
 * @param {boolean} force
 */
function build(root, force) {
  for (const target of TARGETS) {
    const { reason, newest } = staleness(root, target);
    if (!reason && !force) {
      process.stdout.write(`${target.name}: up to date\n`);
      continue;
    }
    process.stdout.write(`${target.name}: building (${force ? 'forced' : reason})\n`);
    const run = spawnSync(process.execPath, target.command, { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) return run.status ?? 1;
    const stamp = join(root, target.stamp);
    mkdirSync(dirname(stamp), { recursive: true });
    writeFileSync(stamp, String(newest));
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = build(fileURLToPath(new URL('..', import.meta.url)), process.argv.includes('--force'));
}

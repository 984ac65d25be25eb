// @ts-check
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The newest modification time (ms) under these files and folders, leaving out what `skip` names (paths relative to root).
 * @param {string} root
 * @param {string[]} inputs
 * @param {(path: string) => boolean} [skip]
 */
export function newestChange(root, inputs, skip = () => false) {
  let newest = 0;
  /** @param {string} path */
  const visit = (path) => {
    if (skip(relative(root, path))) return;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (!stat.isDirectory()) newest = Math.max(newest, stat.mtimeMs);
    else for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  for (const input of inputs) visit(join(root, input));
  return newest;
}

/**
 * Why `target` must be built (no reason: its outputs are current: they exist and the last good
 * build started from inputs no older than today's), and its newest input time. The time is read
 * before a build starts, so a file saved while it runs is built next time.
 * @param {string} root
 * @param {import('./freshness.d.mts').Target} target
 */
export function staleness(root, target) {
  const newest = newestChange(root, target.inputs, target.skip);
  const missing = target.outputs.find((o) => !existsSync(join(root, o)));
  if (missing) return { reason: `${missing} is missing`, newest };
  const stampFile = join(root, target.stamp);
  const builtFrom = existsSync(stampFile) ? Number(readFileSync(stampFile, 'utf8')) : NaN;
  if (Number.isNaN(builtFrom)) return { reason: 'no build recorded', newest };
  if (builtFrom < newest) return { reason: 'sources changed since the last build', newest };
  return { newest };
}

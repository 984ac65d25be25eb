// The Node versions we support, as package.json declares them, and a quiet `npm ci` on each:
// every locked package's own engines accept them (npm warns EBADENGINE otherwise). Node 20 is
// past its end of life and not declared: there the Kafka client's two helpers ask for 22.19 and
// run anyway (CI still runs the suite, Kafka included, on 20).

import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json'));
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string }; hasInstallScript?: boolean }> };
const SUPPORTED = ['22.19.0', '24.6.0'];
const NODE_20_EXCEPTIONS = ['@platformatic/dynamic-buffer', '@platformatic/wasm-utils'];

/** Locked packages whose engines refuse `version`. */
function refusing(version: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path, p]) => path && typeof p.engines?.node === 'string' && !semver.satisfies(version, p.engines.node))
    .map(([path]) => path.replace(/^.*node_modules\//, ''));
}

describe('supported Node versions', () => {
  it('are declared in package.json: 22 and 24, not the end-of-life 20', () => {
    expect(pkg.engines.node).toBe('^22.19.0 || ^24.6.0');
    for (const v of SUPPORTED) expect(semver.satisfies(v, pkg.engines.node), v).toBe(true);
    expect(semver.satisfies('20.19.4', pkg.engines.node)).toBe(false);
    expect(semver.satisfies('25.0.0', pkg.engines.node)).toBe(false);
  });

  it.each(SUPPORTED)('install without an engine warning on %s', (version) => {
    expect(refusing(version)).toEqual([]);
  });

  it('on 20 warn only for the Kafka client’s helpers', () => {
    expect([...new Set(refusing('20.19.4'))].sort()).toEqual(NODE_20_EXCEPTIONS);
  });

  // npm 11 warns about every install script not reviewed in allowScripts (and may skip it later):
  // better-sqlite3 builds the Node 20 store, esbuild checks its binary, @scarf/scarf only reports installs.
  it('install without an install-script warning: every locked package with one is approved or denied', () => {
    const scripted = Object.entries(lock.packages).filter(([path, p]) => path && p.hasInstallScript).map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(scripted.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean')).toEqual([]);
    expect(pkg.allowScripts['better-sqlite3']).toBe(true);
  });

  it('include the Docker image’s', () => {
    const image = /^FROM node:(\d+)-slim$/m.exec(read('Dockerfile'))![1];
    expect(semver.satisfies(`${image}.6.0`, pkg.engines.node)).toBe(true);
  });
});

// `npm start` builds only what changed: the decision, on a tree of files with set times (no timing).

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TARGETS } from '../../scripts/build.mjs';
import { staleness } from '../../scripts/freshness.mjs';

const [server, portal] = TARGETS;
let root: string;
const T0 = new Date('2026-05-04T09:00:00Z');

/** Writes a file with a given modification time. */
function file(path: string, at: Date = T0, content = 'x'): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  utimesSync(full, at, at);
}

/** What a good build leaves: its outputs and the input time it started from. */
function built(target: (typeof TARGETS)[number]): void {
  for (const o of target.outputs) file(o, new Date());
  file(target.stamp, new Date(), String(staleness(root, target).newest));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gw-build-'));
  for (const f of ['src/main.ts', 'src/api/app.ts', 'src/portal/main.tsx', 'simulators/charger/cli.ts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) file(f);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('what npm start builds', () => {
  it('builds both on a fresh clone', () => {
    expect(staleness(root, server).reason).toBe('dist/src/main.js is missing');
    expect(staleness(root, portal).reason).toBe('dist/portal/index.html is missing');
  });

  it('builds nothing when dist is current', () => {
    built(server);
    built(portal);
    expect(staleness(root, server).reason).toBeUndefined();
    expect(staleness(root, portal).reason).toBeUndefined();
  });

  it('builds only the server when a server file changed, only the portal when a portal file did', () => {
    built(server);
    built(portal);
    file('src/api/app.ts', new Date(T0.getTime() + 60_000));
    expect([staleness(root, server).reason, staleness(root, portal).reason]).toEqual(['sources changed since the last build', undefined]);
    built(server);
    file('src/portal/main.tsx', new Date(T0.getTime() + 120_000));
    expect([staleness(root, server).reason, staleness(root, portal).reason]).toEqual([undefined, 'sources changed since the last build']);
  });

  it('builds both after a dependency change, and again what lost its output', () => {
    built(server);
    built(portal);
    file('package-lock.json', new Date(T0.getTime() + 60_000));
    expect(staleness(root, server).reason).toBeDefined();
    expect(staleness(root, portal).reason).toBeDefined();
    built(server);
    built(portal);
    rmSync(join(root, 'dist/portal/index.html'));
    expect(staleness(root, portal).reason).toBe('dist/portal/index.html is missing');
  });

  it('builds again a file saved while the last build ran', () => {
    built(server);
    // Saved after the build read the tree, before it finished: newer than what the stamp records.
    file('src/main.ts', new Date(T0.getTime() + 1));
    expect(staleness(root, server).reason).toBe('sources changed since the last build');
  });
});

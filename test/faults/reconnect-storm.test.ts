import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { runFleet, type Fleet } from '../../simulators/charger/fleet.js';
import { ConnectError, SimCharger, type SimChargerOptions } from '../../simulators/charger/charger.js';
import { Stats } from '../../simulators/charger/stats.js';

const COUNT = 10_000;
const RSS_LIMIT_MIB = 1536;
/** A handshake stuck in a full accept queue gives up after this and retries, as a charger's connection timeout would. */
const HANDSHAKE_AND_CALL_TIMEOUT_MS = 30_000;
/** Four source addresses: ephemeral ports stay plentiful across the storm and the one after the restart. */
const SOURCES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];

/** VmRSS (now) and VmHWM (peak since start) of a process, in MiB. */
function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024) };
}

const ids = Array.from({ length: COUNT }, (_, i) => `STORM-${i + 1}`);

/** What a charger does when its connection is refused: back off (with jitter), connect again, boot. */
async function reconnect(opts: SimChargerOptions, attempts = 6): Promise<SimCharger> {
  for (let attempt = 1; ; attempt++) {
    const charger = new SimCharger(opts);
    try {
      await charger.connect();
    } catch (err) {
      if (!(err instanceof ConnectError) || attempt === attempts) throw err;
      await sleep(500 * 2 ** (attempt - 1) * (0.5 + Math.random()));
      continue;
    }
    const conf = await charger.boot();
    if (conf.status !== 'Accepted') throw new Error(`${opts.id}: BootNotification ${conf.status}`);
    await charger.status(0, 'Available');
    await charger.status(1, 'Available');
    return charger;
  }
}

describe(`a reconnect storm of ${COUNT} chargers`, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let gw: GatewayProcess | undefined;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    env = { DATA_DIR: db.dataDir, ADMIN_TOKEN: 'storm-test-admin-token', LOG_LEVEL: 'info' };
    const store = await openTestStore(db);
    try {
      const inst = await store.installations.create({ name: 'storm' });
      await store.transact(async (tx) => {
        for (const id of ids) await tx.chargers.create(inst.id, id);
      });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await fleet?.close();
    await gw?.kill();
    await db?.drop();
  });

  /** Every charger connects at once (no rate limit, no in-flight cap) and boots; those refused retry as real ones do. */
  async function storm(label: string): Promise<void> {
    gw = await spawnGateway(env);
    const pid = gw.child.pid!;
    const url = `ws://127.0.0.1:${gw.ocppPort}/ocpp`;
    const stats = new Stats();
    const started = performance.now();
    fleet = await runFleet({ url, count: COUNT, idPrefix: 'STORM-', connectRate: 1_000_000, maxConnecting: COUNT, localAddresses: SOURCES, callTimeoutMs: HANDSHAKE_AND_CALL_TIMEOUT_MS, stats });
    const connected = new Set(fleet.chargers.map((c) => c.id));
    const refused = ids.filter((id) => !connected.has(id));
    const retried = await Promise.all(refused.map((id, i) => reconnect({ url, id, localAddress: SOURCES[i % SOURCES.length], callTimeoutMs: HANDSHAKE_AND_CALL_TIMEOUT_MS, stats })));
    const tookS = (performance.now() - started) / 1000;
    const { rss, peak } = memoryMiB(pid);
    const booted = stats.replies.get('BootNotification:Accepted') ?? 0;
    const warnings = new Map<string, number>();
    for (const l of gw.lines) if (l.level === 40) warnings.set(l.msg, (warnings.get(l.msg) ?? 0) + 1);
    console.log(
      `storm${label}: ${booted} booted in ${tookS.toFixed(1)} s, peak RSS ${peak} MiB; ` +
        `RSS after ${rss} MiB, BootNotification p50 ${Math.round(stats.percentile(50, 'BootNotification'))} ms ` +
        `p99 ${Math.round(stats.percentile(99, 'BootNotification'))} ms, ` +
        `${refused.length} refused at first (${JSON.stringify(Object.fromEntries(stats.connectionErrors))}) and booted on a retry; ` +
        `gateway warnings ${JSON.stringify(Object.fromEntries(warnings))}`,
    );
    await Promise.all(retried.map((c) => c.close()));
    expect(gw.child.exitCode).toBeNull();
    expect(fleet.failed).toBe(refused.length); // every charger that got a socket booted at the first try
    expect(booted).toBe(COUNT);
    expect(peak).toBeLessThan(RSS_LIMIT_MIB);
    expect(gw.lines.filter((l) => l.level >= 50)).toEqual([]);
    const ready = await fetch(`http://127.0.0.1:${gw.httpPort}/readyz`);
    expect(ready.status).toBe(200);
  }

  it('boots every charger, then all again after SIGKILL and restart', async () => {
    await storm('');
    expect(await gw!.kill('SIGKILL')).toBeNull();
    await fleet!.close();
    fleet = undefined;

    await storm(' after a gateway restart');
  });
});

// Scenario "authorize": how many chargers a server holds and what it costs per
// connection, then how fast it answers Authorize, flat out and at fixed rates.
// Run once per server; run.ts puts the results side by side.

import { setTimeout as sleep } from 'node:timers/promises';
import { runFleet } from '../../simulators/charger/fleet.js';
import { statusOf } from '../../simulators/charger/messages.js';
import { Stats } from '../../simulators/charger/stats.js';
import { closedLoop, openLoop, type Fire, type LoadResult } from '../load-patterns.js';
import { rssReader, type ServerProcess } from '../server-process.js';

export interface Target {
  server: ServerProcess;
  url: string;
  idPrefix: string;
  idTag: string;
}

export interface ScenarioOptions {
  chargers: number;
  quick: boolean;
  log: (line: string) => void;
}

export interface ConnectResult {
  requested: number;
  held: number;
  failed: number;
  /** By errno code or `HTTP <status>`; EMFILE means a process ran out of file descriptors. */
  connectionErrors: Record<string, number>;
  /** Connect + BootNotification + 2 StatusNotification, per second. */
  connectBootPerSec: number;
  serverRssBeforeMiB: number;
  serverRssAfterMiB: number;
  serverRssPerConnKiB: number;
  serverErrors: Record<string, number>;
  /** The simulator's own cost, to size a load generator for larger fleets. */
  clientRssPerConnKiB: number;
}

export interface AuthorizeResult {
  connect: ConnectResult;
  saturation: LoadResult & { window: number };
  fixedRate: (LoadResult & { rate: number })[];
}

// Enough concurrency to keep both cores busy without queueing thousands of
// frames in socket buffers, which would measure the kernel, not the server.
const SATURATION_WINDOW = 256;
const FIXED_RATES = [2_000, 5_000];
// Handshakes in flight during the connect phase.
const MAX_CONNECTING = 200;

export async function runAuthorizeScenario(target: Target, opts: ScenarioOptions): Promise<AuthorizeResult> {
  const { server, url, idPrefix, idTag } = target;
  const phaseMs = opts.quick ? 2_000 : 5_000;
  const log = (line: string) => opts.log(`${server.name}: ${line}`);

  await server.gc();
  const serverBefore = server.rssKiB();
  const clientRss = rssReader('self');
  const clientBefore = clientRss.read();
  const stats = new Stats();
  log(`connecting ${opts.chargers} chargers`);
  const fleet = await runFleet({
    url,
    count: opts.chargers,
    idPrefix,
    connectRate: Number.MAX_SAFE_INTEGER, // bounded by MAX_CONNECTING instead: we want the server's pace
    maxConnecting: MAX_CONNECTING,
    callTimeoutMs: 15_000,
    stats,
    // Held chargers heartbeat at the interval BootNotification gave them, as real ones do.
    heartbeat: true,
  });
  try {
    const chargers = fleet.chargers.filter((c) => c.isOpen);
    await server.gc();
    const connect = connectResult(opts.chargers, chargers.length, fleet, stats, {
      serverBefore,
      serverAfter: server.rssKiB(),
      clientBefore,
      clientAfter: clientRss.read(),
      serverErrors: await server.errors().catch(() => ({})),
    });
    log(`held ${connect.held}, ${connect.connectBootPerSec}/s, ${connect.serverRssPerConnKiB} KiB/conn`);
    if (chargers.length === 0) throw new Error(`no charger connected to ${server.name}:\n${stats.format()}`);

    const fire: Fire = (i) => chargers[i % chargers.length].authorize(idTag).then(statusOf);
    const window = Math.min(chargers.length, SATURATION_WINDOW);
    log(`Authorize flat out for ${phaseMs} ms, window ${window}`);
    const saturation = { window, ...(await closedLoop(fire, window, phaseMs)) };
    checkAlive(server);

    const fixedRate: AuthorizeResult['fixedRate'] = [];
    for (const rate of FIXED_RATES) {
      await sleep(500); // let the previous phase's tail drain before timing the next
      log(`Authorize at ${rate}/s for ${phaseMs} ms`);
      fixedRate.push({ rate, ...(await openLoop(fire, rate, phaseMs)) });
      checkAlive(server);
    }
    return { connect, saturation, fixedRate };
  } finally {
    clientRss.close();
    await fleet.close();
  }
}

interface Memory {
  serverBefore: number;
  serverAfter: number;
  clientBefore: number;
  clientAfter: number;
  serverErrors: Record<string, number>;
}

function connectResult(
  requested: number,
  held: number,
  fleet: { failed: number; connectMs: number },
  stats: Stats,
  mem: Memory,
): ConnectResult {
  const perConn = (before: number, after: number) => (held > 0 ? round1((after - before) / held) : NaN);
  return {
    requested,
    held,
    failed: fleet.failed,
    connectionErrors: Object.fromEntries(stats.connectionErrors),
    connectBootPerSec: Math.round(((requested - fleet.failed) / fleet.connectMs) * 1000),
    serverRssBeforeMiB: round1(mem.serverBefore / 1024),
    serverRssAfterMiB: round1(mem.serverAfter / 1024),
    serverRssPerConnKiB: perConn(mem.serverBefore, mem.serverAfter),
    serverErrors: mem.serverErrors,
    clientRssPerConnKiB: perConn(mem.clientBefore, mem.clientAfter),
  };
}

function checkAlive(server: ServerProcess): void {
  const exited = server.exitedEarly();
  if (exited) throw new Error(`${exited}\n${server.output()}`);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

// Scenario "authorize": how many chargers a server holds and what it costs per
// connection, then how fast it answers Authorize, flat out and at fixed rates.
// Run once per server; run.ts puts the results side by side.

import { setTimeout as sleep } from 'node:timers/promises';
import { runFleet, type Fleet } from '../../../simulators/charger/fleet.js';
import { statusOf } from '../../../simulators/charger/messages.js';
import { Stats } from '../../../simulators/charger/stats.js';
import type { OcppVersion } from '../../../simulators/charger/versions.js';
import { closedLoop, openLoop, type Fire, type LoadResult } from '../../lib/load-patterns.js';
import { rssReader, type ServerProcess } from '../../lib/server-process.js';
import type { ScenarioOptions } from '../../lib/scenario.js';
import { sessionFire } from './session.js';
import { monotonicUs } from '../../tools/cpu-profile.js';

export interface Target {
  server: ServerProcess;
  url: string;
  idPrefix: string;
  idTag: string;
}

export interface ConnectResult {
  requested: number;
  held: number;
  failed: number;
  /** By errno code or `HTTP <status>`; EMFILE means a process ran out of file descriptors. */
  connectionErrors: Record<string, number>;
  /** Connect + BootNotification + 2 StatusNotification, per second: chargers that never connected before. */
  connectBootPerSec: number;
  /**
   * The same fleet closed and connected + booted again, as after a site's power cut: chargers the
   * server knows, keeping their configuration (the gateway checks their offline setting instead of
   * writing it).
   */
  rebootPerSec: number;
  serverRssBeforeMiB: number;
  serverRssAfterMiB: number;
  serverRssPerConnKiB: number;
  serverErrors: Record<string, number>;
  /** The simulator's own cost, to size a load generator for larger fleets. */
  clientRssPerConnKiB: number;
}

export interface AuthorizeOptions extends ScenarioOptions {
  /** Fixed-rate rounds per server, alternating between servers. */
  rounds: number;
  /** The version every charger of the fleet speaks. */
  ocpp: OcppVersion;
}

export interface AuthorizeResult {
  connect: ConnectResult;
  saturation: LoadResult & { window: number };
  /** Flat out, whole short sessions: Authorize and the version's start/stop pair. */
  sessions: LoadResult & { window: number };
  /** Per rate, every round in the order run. */
  fixedRate: { rate: number; rounds: LoadResult[] }[];
  /** When the connect, flat-out Authorize and sessions phases ran, on the CPU profile's clock. */
  connectWindow: { fromUs: number; toUs: number };
  saturationWindow: { fromUs: number; toUs: number };
  sessionsWindow: { fromUs: number; toUs: number };
}

export type Outcome = AuthorizeResult | { error: string };

// Enough concurrency to keep both cores busy without queueing thousands of
// frames in socket buffers, which would measure the kernel, not the server.
const SATURATION_WINDOW = 256;
export const FIXED_RATES = [2_000, 5_000];
// Handshakes in flight during the connect phase.
const MAX_CONNECTING = 200;

interface Connected {
  target: Target;
  connect: ConnectResult;
  connectWindow: { fromUs: number; toUs: number };
  fire: Fire;
  session: Fire;
  window: number;
  close(): Promise<void>;
}

/**
 * Connects every target's fleet, measures each flat out, then runs the fixed rates in rounds
 * that alternate between the targets (ABBA): on a VM whose neighbours steal CPU in bursts, a
 * single phase per server says more about the neighbours than about the server, while
 * alternating rounds put both servers through the same minutes.
 */
export async function runAuthorizeScenario(targets: Target[], opts: AuthorizeOptions): Promise<Record<string, Outcome>> {
  const phaseMs = opts.quick ? 2_000 : 5_000;
  const outcomes: Record<string, Outcome> = {};
  const connected: Connected[] = [];
  const live: Connected[] = [];
  const results = new Map<Connected, AuthorizeResult>();
  const guard = async (c: Connected, step: () => Promise<void>) => {
    try {
      await step();
      checkAlive(c.target.server);
    } catch (err) {
      outcomes[c.target.server.name] = { error: errorText(err) };
      results.delete(c);
      live.splice(live.indexOf(c), 1);
      opts.log(`${c.target.server.name}: ${errorText(err).split('\n')[0]}`);
    }
  };
  try {
    for (const target of targets) {
      try {
        connected.push(await connectFleet(target, opts));
        live.push(connected[connected.length - 1]);
      } catch (err) {
        outcomes[target.server.name] = { error: errorText(err) };
      }
    }
    for (const c of [...live]) {
      await guard(c, async () => {
        opts.log(`${c.target.server.name}: Authorize flat out for ${phaseMs} ms, window ${c.window}`);
        const fromUs = monotonicUs();
        const saturation = { window: c.window, ...(await closedLoop(c.fire, c.window, phaseMs)) };
        const saturationWindow = { fromUs, toUs: monotonicUs() };
        opts.log(`${c.target.server.name}: sessions (Authorize + start/stop) flat out for ${phaseMs} ms`);
        const sessionsFromUs = monotonicUs();
        const sessions = { window: c.window, ...(await closedLoop(c.session, c.window, phaseMs)) };
        const sessionsWindow = { fromUs: sessionsFromUs, toUs: monotonicUs() };
        results.set(c, { connect: c.connect, connectWindow: c.connectWindow, saturation, saturationWindow, sessions, sessionsWindow, fixedRate: FIXED_RATES.map((rate) => ({ rate, rounds: [] })) });
      });
    }
    for (let round = 0; round < opts.rounds; round++) {
      for (const [r, rate] of FIXED_RATES.entries()) {
        const order = (round + r) % 2 === 0 ? [...live] : [...live].reverse();
        for (const c of order) {
          await guard(c, async () => {
            await sleep(500); // let the previous phase's tail drain before timing the next
            opts.log(`${c.target.server.name}: Authorize at ${rate}/s for ${phaseMs} ms (round ${round + 1} of ${opts.rounds})`);
            const run = await openLoop(c.fire, rate, phaseMs);
            results.get(c)!.fixedRate[r].rounds.push(run);
          });
        }
      }
    }
    for (const [c, result] of results) outcomes[c.target.server.name] = result;
    return outcomes;
  } finally {
    await Promise.all(connected.map((c) => c.close()));
  }
}

async function connectFleet(target: Target, opts: AuthorizeOptions): Promise<Connected> {
  const { server, url, idPrefix, idTag } = target;
  const log = (line: string) => opts.log(`${server.name}: ${line}`);
  await server.gc();
  const serverBefore = server.rssKiB();
  const clientRss = rssReader('self');
  const clientBefore = clientRss.read();
  const stats = new Stats();
  log(`connecting ${opts.chargers} chargers`);
  const connectFromUs = monotonicUs();
  const bringUp = (restartOf?: Fleet) =>
    runFleet({
      restartOf,
      url,
      count: opts.chargers,
      idPrefix,
      connectRate: Number.MAX_SAFE_INTEGER, // bounded by MAX_CONNECTING instead: we want the server's pace
      maxConnecting: MAX_CONNECTING,
      callTimeoutMs: 15_000,
      stats,
      versions: [{ version: opts.ocpp, percent: 100 }],
      // Held chargers heartbeat at the interval BootNotification gave them, as real ones do.
      heartbeat: true,
    });
  const first = await bringUp();
  const connectWindow = { fromUs: connectFromUs, toUs: monotonicUs() };
  let fleet = first;
  try {
    const chargers = fleet.chargers.filter((c) => c.isOpen);
    await server.gc();
    const memory = { serverBefore, serverAfter: server.rssKiB(), clientBefore, clientAfter: clientRss.read() };
    log(`held ${chargers.length}, ${perSec(opts.chargers, first)}/s`);
    if (chargers.length === 0) throw new Error(`no charger connected to ${server.name}:\n${stats.format()}`);
    await first.close();
    await sleep(1_000); // the closes' writes, before the next phase
    log(`reconnecting and booting the same ${opts.chargers} chargers`);
    fleet = await bringUp(first);
    const connect = {
      ...connectResult(opts.chargers, fleet.chargers.filter((c) => c.isOpen).length, first, stats, { ...memory, serverErrors: await server.errors().catch(() => ({})) }),
      rebootPerSec: perSec(opts.chargers, fleet),
    };
    log(`held ${connect.held}, ${connect.connectBootPerSec}/s first, ${connect.rebootPerSec}/s again, ${connect.serverRssPerConnKiB} KiB/conn`);
    checkAlive(server);
    chargers.splice(0, chargers.length, ...fleet.chargers.filter((c) => c.isOpen));
    const fire: Fire = (i) => chargers[i % chargers.length].authorize(idTag).then(statusOf);
    const session = sessionFire(chargers, idTag);
    return { target, connect, connectWindow, fire, session, window: Math.min(chargers.length, SATURATION_WINDOW), close: () => fleet.close() };
  } catch (err) {
    await fleet.close();
    throw err;
  } finally {
    clientRss.close();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Memory {
  serverBefore: number;
  serverAfter: number;
  clientBefore: number;
  clientAfter: number;
  serverErrors: Record<string, number>;
}

const perSec = (requested: number, fleet: { failed: number; connectMs: number }) => Math.round(((requested - fleet.failed) / fleet.connectMs) * 1000);

function connectResult(
  requested: number,
  held: number,
  fleet: { failed: number; connectMs: number },
  stats: Stats,
  mem: Memory,
): Omit<ConnectResult, 'rebootPerSec'> {
  const perConn = (before: number, after: number) => (held > 0 ? round1((after - before) / held) : NaN);
  return {
    requested,
    held,
    failed: fleet.failed,
    connectionErrors: Object.fromEntries(stats.connectionErrors),
    connectBootPerSec: perSec(requested, fleet),
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

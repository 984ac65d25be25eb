// Connect + boot alone, the floor and the gateway alternated (ABBA) for several rounds: the first
// round is chargers the gateway never saw (as `--scenario authorize` measures), the later ones the
// same chargers booting again with what they stored. Per round: the rate, each server's CPU per
// connection (its main thread apart: the limit on a connect burst), and the load generator's.
//
//   npx tsc -p tsconfig.bench.json && ROUNDS=6 node dist/bench/tools/connect-rounds.js
//   N=2000 (chargers)  OCPP=1.6|2.0.1  PROF=dir (the gateway's --cpu-prof; each round's window is printed)

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFleet, type Fleet } from '../../simulators/charger/fleet.js';
import { Stats } from '../../simulators/charger/stats.js';
import type { OcppVersion } from '../../simulators/charger/versions.js';
import { BENCH_ADMIN_TOKEN, GATEWAY_DATA_DIR_ENV, setUpGateway } from '../lib/gateway-setup.js';
import { cpuMsOf } from '../lib/proc-cpu.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { cpuProfileFlags, monotonicUs } from './cpu-profile.js';

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const OCPP = (process.env.OCPP ?? '1.6') as OcppVersion;
const PREFIX = 'CR';

/** User + system CPU of a process's main thread, in ms. */
function mainThreadMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function startGateway(dir: string): Promise<ServerProcess> {
  const env = { [GATEWAY_DATA_DIR_ENV]: dir };
  const setup = await startServerProcess('gateway', '../lib/gateway-child.ts', env);
  try {
    await setUpGateway({ httpPort: setup.info.httpPort!, adminToken: BENCH_ADMIN_TOKEN, chargers: N, idPrefix: PREFIX, idTag: 'TAG-1', perChargerTags: true });
  } finally {
    await setup.stop();
  }
  return startServerProcess('gateway', '../lib/gateway-child.ts', env, cpuProfileFlags(process.env.PROF));
}

interface Round {
  perSec: number;
  cpuUs: number;
  mainUs: number;
  clientUs: number;
}

const previous = new Map<string, Fleet>();

async function round(server: ServerProcess): Promise<Round> {
  const cpu0 = cpuMsOf(server.pid);
  const main0 = mainThreadMs(server.pid);
  const client0 = process.cpuUsage();
  const fromUs = monotonicUs();
  const fleet = await runFleet({
    url: `ws://127.0.0.1:${server.info.ocppPort}/ocpp`,
    count: N,
    idPrefix: PREFIX,
    restartOf: previous.get(server.name),
    connectRate: Number.MAX_SAFE_INTEGER,
    maxConnecting: 200,
    callTimeoutMs: 15_000,
    stats: new Stats(),
    versions: [{ version: OCPP, percent: 100 }],
    heartbeat: true,
  });
  if (process.env.PROF && server.name === 'gateway') console.log(`  gateway window ${fromUs} ${monotonicUs()}`);
  // The last replies' writes land after the fleet heard them.
  await new Promise((r) => setTimeout(r, 300));
  const client = process.cpuUsage(client0);
  const per = (ms: number) => Math.round((ms * 1000) / N);
  const result = {
    perSec: Math.round(((N - fleet.failed) / fleet.connectMs) * 1000),
    cpuUs: per(cpuMsOf(server.pid) - cpu0),
    mainUs: per(mainThreadMs(server.pid) - main0),
    clientUs: Math.round((client.user + client.system) / N),
  };
  previous.set(server.name, fleet);
  await fleet.close();
  await new Promise((r) => setTimeout(r, 1000)); // the closes' writes
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'ocpp-bench-'));
const floor = await startServerProcess('floor', '../lib/floor-child.ts');
const gateway = await startGateway(dir).catch(async (err) => {
  await floor.stop();
  throw err;
});
try {
  const ratios: number[] = [];
  const mains: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const results = new Map<ServerProcess, Round>();
    for (const server of r % 2 === 0 ? [floor, gateway] : [gateway, floor]) results.set(server, await round(server));
    const f = results.get(floor)!;
    const g = results.get(gateway)!;
    ratios.push(g.perSec / f.perSec);
    if (r > 0) mains.push(g.mainUs);
    const show = (x: Round) => `${x.perSec}/s, CPU ${x.cpuUs} µs/conn (main thread ${x.mainUs}), load generator ${x.clientUs} µs/conn`;
    console.log(`round ${r + 1}${r === 0 ? ' (first connect)' : ' (again)'}: floor ${show(f)} | gateway ${show(g)} | ${(g.perSec / f.perSec).toFixed(2)}`);
  }
  if (ROUNDS > 1) console.log(`again: median ratio ${median(ratios.slice(1)).toFixed(2)}, gateway main thread median ${median(mains)} µs/conn`);
} finally {
  await floor.stop();
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
}

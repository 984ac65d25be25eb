// Scenario "cluster": the authorize scenario's load on 1, 2 and 3 gateway nodes sharing one
// PostgreSQL, side by side. The fleet is split evenly over the nodes (as a balancer would) and
// Authorize is fired across all of them. On two cores the point is that throughput does not
// fall and nothing breaks as nodes are added, not that it scales.

import { runFleet, type Fleet } from '../../../simulators/charger/fleet.js';
import { statusOf } from '../../../simulators/charger/messages.js';
import { Stats } from '../../../simulators/charger/stats.js';
import { closedLoop, openLoop, type Fire, type LoadResult } from '../../lib/load-patterns.js';
import { BENCH_ADMIN_TOKEN, setUpGateway } from '../../lib/gateway-setup.js';
import { startClusterNodes } from './nodes.js';
import { formatTable, show } from '../../lib/table.js';
import type { ScenarioOptions } from '../../lib/scenario.js';
import type { ServerProcess } from '../../lib/server-process.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';

export interface ClusterRun {
  nodes: number;
  held: number;
  failed: number;
  connectionErrors: Record<string, number>;
  connectBootPerSec: number;
  /** RSS of each node once the fleet is held, after a GC. */
  rssMiB: number[];
  rssPerConnKiB: number;
  saturation: LoadResult & { window: number };
  fixedRate: LoadResult & { rate: number };
  /** Nodes that exited during the run. */
  crashed: string[];
}

export interface ClusterResult {
  date: string;
  chargers: number;
  quick: boolean;
  runs: (ClusterRun | { nodes: number; error: string })[];
}

const NODE_COUNTS = [1, 2, 3];
const SATURATION_WINDOW = 256;
/** A rate every setup should hold on this shared machine; its p99 is the latency to compare. */
const FIXED_RATE = 1_000;
const MAX_CONNECTING = 200;
const ID_PREFIX = 'BENCH-';
const ID_TAG = 'BENCHTAG';

export async function runClusterScenario(opts: ScenarioOptions): Promise<ClusterResult> {
  const runs: ClusterResult['runs'] = [];
  for (const nodes of NODE_COUNTS) {
    try {
      runs.push(await runOnNodes(nodes, opts));
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      opts.log(`${nodes} node(s): ${error}`);
      runs.push({ nodes, error });
    }
  }
  return { date: new Date().toISOString(), chargers: opts.chargers, quick: opts.quick, runs };
}

async function runOnNodes(count: number, opts: ScenarioOptions): Promise<ClusterRun> {
  const log = (line: string) => opts.log(`${count} node(s): ${line}`);
  const phaseMs = opts.quick ? 2_000 : 5_000;
  const cluster = await startClusterNodes(count, log);
  const fleets: Fleet[] = [];
  try {
    const { nodes } = cluster;
    await setUpGateway({ httpPort: nodes[0].info.httpPort!, adminToken: BENCH_ADMIN_TOKEN, chargers: opts.chargers, idPrefix: ID_PREFIX, idTag: ID_TAG });
    const before = await rssAfterGc(nodes);
    const stats = new Stats();
    const share = Math.ceil(opts.chargers / count);
    log(`connecting ${opts.chargers} chargers, ${share} per node`);
    const started = performance.now();
    fleets.push(
      ...(await Promise.all(
        nodes.map((n, i) =>
          runFleet({
            url: `ws://127.0.0.1:${n.info.ocppPort}/ocpp`,
            count: Math.max(0, Math.min(share, opts.chargers - i * share)),
            idPrefix: ID_PREFIX,
            firstIndex: 1 + i * share,
            connectRate: Number.MAX_SAFE_INTEGER,
            maxConnecting: Math.ceil(MAX_CONNECTING / count),
            callTimeoutMs: 15_000,
            heartbeat: true,
            stats,
          }),
        ),
      )),
    );
    const connectMs = performance.now() - started;
    const chargers = interleave(fleets.map((f) => f.chargers.filter((c) => c.isOpen)));
    const after = await rssAfterGc(nodes);
    if (chargers.length === 0) throw new Error(`no charger connected:\n${stats.format()}`);

    const fire: Fire = (i) => chargers[i % chargers.length].authorize(ID_TAG).then(statusOf);
    const window = Math.min(chargers.length, SATURATION_WINDOW);
    log(`Authorize flat out for ${phaseMs} ms, window ${window}`);
    const saturation = { window, ...(await closedLoop(fire, window, phaseMs)) };
    log(`Authorize at ${FIXED_RATE}/s for ${phaseMs} ms`);
    const fixedRate = { rate: FIXED_RATE, ...(await openLoop(fire, FIXED_RATE, phaseMs)) };
    const failed = fleets.reduce((n, f) => n + f.failed, 0);
    return {
      nodes: count,
      held: chargers.length,
      failed,
      connectionErrors: Object.fromEntries(stats.connectionErrors),
      connectBootPerSec: Math.round(((opts.chargers - failed) / connectMs) * 1000),
      rssMiB: after.map((kib) => Math.round(kib / 102.4) / 10),
      rssPerConnKiB: Math.round(((sum(after) - sum(before)) / chargers.length) * 10) / 10,
      saturation,
      fixedRate,
      crashed: nodes.flatMap((n) => n.exitedEarly() ?? []),
    };
  } finally {
    await Promise.all(fleets.map((f) => f.close()));
    await cluster.stop();
  }
}

async function rssAfterGc(nodes: ServerProcess[]): Promise<number[]> {
  await Promise.all(nodes.map((n) => n.gc()));
  return nodes.map((n) => n.rssKiB());
}

/** One charger of each node in turn, so consecutive Authorize calls go to different nodes. */
function interleave(lists: SimCharger[][]): SimCharger[] {
  const out: SimCharger[] = [];
  for (let i = 0; i < Math.max(0, ...lists.map((l) => l.length)); i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const ROWS: [string, (r: ClusterRun) => string][] = [
  ['chargers held', (r) => `${r.held}${r.failed ? ` (${r.failed} failed)` : ''}`],
  ['connect+boot /s', (r) => show(r.connectBootPerSec)],
  ['RSS per node loaded (MiB)', (r) => r.rssMiB.map(show).join(' / ')],
  ['RSS per conn, all nodes (KiB)', (r) => show(r.rssPerConnKiB)],
  ['Authorize/s flat out', (r) => show(r.saturation.perSec)],
  ['  p50 ms', (r) => show(r.saturation.latencyMs.p50)],
  ['  p99 ms', (r) => show(r.saturation.latencyMs.p99)],
  ['  errors', (r) => show(r.saturation.errors)],
  ['  load generator CPU %', (r) => show(r.saturation.generatorCpuPct)],
  [`Authorize @${FIXED_RATE}/s achieved /s`, (r) => show(r.fixedRate.perSec)],
  [`Authorize @${FIXED_RATE}/s p50 ms`, (r) => show(r.fixedRate.latencyMs.p50)],
  [`Authorize @${FIXED_RATE}/s p99 ms`, (r) => show(r.fixedRate.latencyMs.p99)],
  [`Authorize @${FIXED_RATE}/s errors`, (r) => show(r.fixedRate.errors)],
  ['nodes crashed', (r) => (r.crashed.length ? r.crashed.join(', ') : 'none')],
];

export function formatCluster(result: ClusterResult): string {
  const header = ['', ...result.runs.map((r) => `${r.nodes} node${r.nodes > 1 ? 's' : ''}`)];
  const rows = ROWS.map(([label, value]) => [label, ...result.runs.map((r) => ('error' in r ? 'error' : value(r)))]);
  const errors = result.runs.flatMap((r) => ('error' in r ? [`${r.nodes} node(s) failed: ${r.error.split('\n')[0]}`] : []));
  const title = `scenario cluster, ${result.chargers} chargers${result.quick ? ' (quick)' : ''}, PostgreSQL, one process per node`;
  return [title, formatTable(header, rows), ...errors].join('\n');
}

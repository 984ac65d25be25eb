// Scenario "cluster-hold": 50,000 chargers connected at once across 3 gateway nodes on one
// PostgreSQL, each node its own process, the fleet spread over several client processes (a
// process may open at most 20,000 files here). Reports each node's RSS and V8 heap before and
// after, the memory per connection, and that the store shows every charger online. Each charger
// boots and reports connector 0 (half the writes of two connectors: the machine's CPU, shared by
// the nodes, PostgreSQL and the clients, sets the ramp-up time), on a database with
// synchronous_commit off (this measures memory, not durability).

import { setTimeout as sleep } from 'node:timers/promises';
import { onlineByNode, seedChargers, startClusterNodes } from './nodes.js';
import { startFleetProcess, type FleetProcess, type Held } from './fleet.js';
import { formatTable, show } from '../../lib/table.js';
import type { ScenarioOptions } from '../../lib/scenario.js';
import type { MemoryReading } from '../../lib/child.js';

export interface NodeHold {
  node: string;
  held: number;
  before: MemoryReading;
  after: MemoryReading;
  rssPerConnKiB: number;
  heapPerConnKiB: number;
}

export interface ClusterHoldResult {
  date: string;
  requested: number;
  held: number;
  failed: number;
  connectionErrors: Record<string, number>;
  /** From the first connect to the last charger booted, over all client processes. */
  connectS: number;
  /** Chargers the store shows online, per node id, once the count stopped changing. */
  onlineInStore: Record<string, number>;
  nodes: NodeHold[];
  clientProcesses: number;
  clientRssPerConnKiB: number;
}

const NODES = 3;
/** Per client process: well under its 20,000 files, and under one source address's ephemeral ports. */
const PER_CLIENT = 12_500;
const CONNECT_RATE_PER_CLIENT = 300;
const CONNECTING_PER_CLIENT = 100;
const ID_PREFIX = 'HOLD-';
/** On this shared machine the ramp-up ran at ~35 chargers/s: 50,000 take ~25 min. */
const HOLD_TIMEOUT_MS = 40 * 60_000;
const STORE_SETTLE_MS = 120_000;

export async function runClusterHoldScenario(opts: ScenarioOptions): Promise<ClusterHoldResult> {
  const { log } = opts;
  const cluster = await startClusterNodes(NODES, log, { asyncCommit: true });
  const clients: FleetProcess[] = [];
  try {
    log(`registering ${opts.chargers} chargers in the store`);
    await seedChargers(cluster.database, opts.chargers, ID_PREFIX);
    const before = await readMemory(cluster.nodes);
    const urls = cluster.nodes.map((n) => `ws://127.0.0.1:${n.info.ocppPort}/ocpp`);
    const processes = Math.ceil(opts.chargers / PER_CLIENT);
    log(`connecting ${opts.chargers} chargers from ${processes} client processes to ${urls.length} nodes`);
    const started = performance.now();
    for (let i = 0; i < processes; i++) {
      const count = Math.min(PER_CLIENT, opts.chargers - i * PER_CLIENT);
      const part = { urls, count, idPrefix: ID_PREFIX, firstIndex: 1 + i * PER_CLIENT, connectRate: CONNECT_RATE_PER_CLIENT, maxConnecting: CONNECTING_PER_CLIENT, localAddress: `127.0.0.${11 + i}` };
      clients.push(startFleetProcess(part, HOLD_TIMEOUT_MS));
    }
    const progress = setInterval(() => log(`${clients.reduce((n, c) => n + c.open(), 0)} connected`), 60_000);
    const held = await Promise.all(clients.map((c) => c.held)).finally(() => clearInterval(progress));
    const connectS = (performance.now() - started) / 1000;
    const total = held.reduce((n, h) => n + h.held.reduce((a, b) => a + b, 0), 0);
    log(`held ${total} after ${connectS.toFixed(1)} s; waiting for the store to show them online`);
    const onlineInStore = await settledOnline(cluster.database, total);
    const after = await readMemory(cluster.nodes);
    const nodes = cluster.nodes.map((n, i) => nodeHold(n.name, heldOn(held, i), before[i], after[i]));
    return {
      date: new Date().toISOString(),
      requested: opts.chargers,
      held: total,
      failed: held.reduce((n, h) => n + h.failed, 0),
      connectionErrors: mergeCounts(held.map((h) => h.connectionErrors)),
      connectS: round1(connectS),
      onlineInStore,
      nodes,
      clientProcesses: processes,
      clientRssPerConnKiB: round1(held.reduce((n, h) => n + h.rssKiB, 0) / Math.max(1, total)),
    };
  } finally {
    log('closing chargers and nodes');
    await Promise.all(clients.map((c) => c.close()));
    await cluster.stop();
  }
}

async function readMemory(nodes: { gc(): Promise<void>; memory(): Promise<MemoryReading> }[]): Promise<MemoryReading[]> {
  return Promise.all(nodes.map(async (n) => (await n.gc(), n.memory())));
}

const heldOn = (held: Held[], node: number) => held.reduce((n, h) => n + (h.held[node] ?? 0), 0);

function nodeHold(node: string, held: number, before: MemoryReading, after: MemoryReading): NodeHold {
  const per = (a: number, b: number) => (held > 0 ? round1((b - a) / held) : NaN);
  return { node, held, before, after, rssPerConnKiB: per(before.rssKiB, after.rssKiB), heapPerConnKiB: per(before.heapUsedKiB, after.heapUsedKiB) };
}

/** Online flags are written after the connection opens; polls until they reach `expected`, or stop moving for 10 s. */
async function settledOnline(database: Parameters<typeof onlineByNode>[0], expected: number): Promise<Record<string, number>> {
  const deadline = Date.now() + STORE_SETTLE_MS;
  let last = -1;
  let unchanged = 0;
  for (;;) {
    const online = await onlineByNode(database);
    const total = Object.values(online).reduce((a, b) => a + b, 0);
    if (total >= expected || Date.now() > deadline || unchanged >= 5) return online;
    unchanged = total === last ? unchanged + 1 : 0;
    last = total;
    await sleep(2_000);
  }
}

function mergeCounts(all: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of all) for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + v;
  return out;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const mib = (kib: number) => show(round1(kib / 1024));

export function formatClusterHold(r: ClusterHoldResult): string {
  const online = Object.values(r.onlineInStore).reduce((a, b) => a + b, 0);
  const rows = r.nodes.map((n) => [
    n.node,
    String(n.held),
    String(r.onlineInStore[n.node] ?? 0),
    `${mib(n.before.rssKiB)} → ${mib(n.after.rssKiB)}`,
    `${mib(n.before.heapUsedKiB)} → ${mib(n.after.heapUsedKiB)}`,
    show(n.rssPerConnKiB),
    show(n.heapPerConnKiB),
  ]);
  const errors = Object.keys(r.connectionErrors).length ? ` connection errors ${JSON.stringify(r.connectionErrors)}` : '';
  return [
    `scenario cluster-hold: ${r.held} of ${r.requested} chargers held on ${r.nodes.length} nodes in ${r.connectS} s, ${online} online in the store, ${r.failed} failed;${errors}`,
    `${r.clientProcesses} client processes, ${show(r.clientRssPerConnKiB)} KiB client RSS per connection`,
    formatTable(['node', 'held', 'online in store', 'RSS MiB before → after', 'heap MiB before → after', 'RSS KiB/conn', 'heap KiB/conn'], rows),
  ].join('\n');
}

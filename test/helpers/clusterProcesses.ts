// Several gateway processes on one PostgreSQL database, as an operator scales out: the same
// DATABASE_URL and SECRET_KEY on every node, a NODE_ID and a data folder of its own.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnGateway, type GatewayProcess } from './process.js';
import type { TestDatabase } from './databases.js';

export interface ClusterNode {
  nodeId: string;
  gw: GatewayProcess;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export interface Cluster {
  nodes: ClusterNode[];
  /** Nodes not killed. */
  alive(): ClusterNode[];
  /** SIGKILL: no going-away close, no release of anything in the store. */
  kill(node: ClusterNode): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(db: TestDatabase, count: number, env: Record<string, string>): Promise<Cluster> {
  if (!db.databaseUrl) throw new Error('a cluster needs PostgreSQL');
  const shared = { DATABASE_URL: db.databaseUrl, SECRET_KEY: randomBytes(32).toString('base64'), ...env };
  const spawn = async (i: number): Promise<ClusterNode> => {
    const nodeId = `gw-${String.fromCharCode(97 + i)}`;
    const dataDir = join(db.dataDir, nodeId);
    mkdirSync(dataDir, { recursive: true });
    // tsx compiles the app on start: on a loaded machine that alone took over 15 s.
    const gw = await spawnGateway({ ...shared, NODE_ID: nodeId, DATA_DIR: dataDir }, 60_000);
    return { nodeId, gw, api: apiOf(gw.httpPort, env.ADMIN_TOKEN) };
  };
  // The first node migrates the empty database; the others then start together, as a rollout would.
  const first = await spawn(0);
  const rest = await Promise.allSettled(Array.from({ length: count - 1 }, (_, i) => spawn(i + 1)));
  const nodes = [first, ...rest.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
  const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const killed = new Set<ClusterNode>();
  const cluster: Cluster = {
    nodes,
    alive: () => nodes.filter((n) => !killed.has(n)),
    async kill(node) {
      killed.add(node);
      await node.gw.kill('SIGKILL');
    },
    async stop() {
      await Promise.all(cluster.alive().map((n) => n.gw.kill('SIGTERM')));
    },
  };
  if (failed) {
    await cluster.stop();
    throw failed.reason;
  }
  return cluster;
}

function apiOf(httpPort: number, token: string | undefined) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// Gateway nodes for the cluster benches: each its own process (bench/lib/gateway-child.ts) on one
// fresh PostgreSQL database, with the same SECRET_KEY and a NODE_ID of its own, as docs/deployment.md
// tells an operator to run them.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freshDatabase, openTestStore, type TestDatabase } from '../../../test/helpers/databases.js';
import { startServerProcess, type ServerProcess } from '../../lib/server-process.js';

export interface ClusterNodes {
  database: TestDatabase;
  nodes: ServerProcess[];
  /** Stops every node, then drops the database. */
  stop(): Promise<void>;
}

export interface ClusterNodesOptions {
  /**
   * `synchronous_commit = off` on the bench's database: a commit returns before its WAL reaches
   * the disk. For benches that measure memory, not durability: on this machine each durable
   * commit waits ~3 ms for fsync, which caps the whole cluster near 50 charger boots per second.
   */
  asyncCommit?: boolean;
}

export async function startClusterNodes(count: number, log: (line: string) => void, opts: ClusterNodesOptions = {}): Promise<ClusterNodes> {
  const database = await freshDatabase('postgres');
  if (opts.asyncCommit) await alterDatabase(database, 'set synchronous_commit = off');
  const env = { DATABASE_URL: database.databaseUrl!, SECRET_KEY: randomBytes(32).toString('base64') };
  const nodes: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await database.drop();
  };
  try {
    // The first node migrates the empty database; the others start together.
    nodes.push(await startServerProcess('node-1', './gateway-child.ts', { ...env, NODE_ID: 'node-1' }));
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, (_, i) => startServerProcess(`node-${i + 2}`, './gateway-child.ts', { ...env, NODE_ID: `node-${i + 2}` })),
    );
    nodes.push(...rest);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`${count} node(s) up on ${new URL(database.databaseUrl!).pathname.slice(1)}: ${nodes.map((n) => `${n.name} ws:${n.info.ocppPort}`).join(', ')}`);
  return { database, nodes, stop };
}

async function alterDatabase(database: TestDatabase, setting: string): Promise<void> {
  const url = new URL(database.databaseUrl!);
  const name = url.pathname.slice(1);
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  try {
    await client.query(`alter database ${name} ${setting}`);
  } finally {
    await client.end();
  }
}

/** Registers chargers `${prefix}1…${prefix}count` straight in the store: 50,000 through the REST API would take minutes. */
export async function seedChargers(database: TestDatabase, count: number, idPrefix: string): Promise<void> {
  const store = await openTestStore(database);
  try {
    const inst = await store.installations.create({ name: 'bench-cluster' });
    const CHUNK = 5_000;
    for (let from = 1; from <= count; from += CHUNK) {
      await store.transact(async (tx) => {
        for (let i = from; i < Math.min(count + 1, from + CHUNK); i++) await tx.chargers.create(inst.id, `${idPrefix}${i}`);
      });
    }
  } finally {
    await store.close();
  }
}

/** Chargers the store shows online, per node id. */
export async function onlineByNode(database: TestDatabase): Promise<Record<string, number>> {
  const store = await openTestStore(database);
  try {
    const rows = await store.db
      .selectFrom('chargers')
      .select(['node_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('online', '=', 1)
      .groupBy('node_id')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.node_id ?? '?', Number(r.n)]));
  } finally {
    await store.close();
  }
}

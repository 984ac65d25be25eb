import { randomBytes } from 'node:crypto';
import { startGateway, type Gateway, type StartOptions } from '../../src/app.js';
import { shutdown } from '../../src/shutdown.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { freshDatabase, type TestDatabase } from './databases.js';
import { ADMIN_TOKEN, apiCall, captureLogger } from './gateway.js';
import { spawnGateway, type GatewayProcess } from './process.js';

/** Quick enough that a dead node is swept within a second or two. */
export const CLUSTER_TIMING = { nodeHeartbeatMs: 200, nodeTimeoutMs: 1000 } as const;

/** A node process starts in a few seconds, more on a loaded machine. */
const SPAWN_TIMEOUT_MS = 40_000;

export interface TestNode {
  gw: Gateway;
  logs: Record<string, any>[];
  ocppUrl: string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A simulated charger pointed at this node (not connected). */
  charger(id: string, opts?: Partial<ConstructorParameters<typeof SimCharger>[0]>): SimCharger;
  /** Stops the gateway (gw.close()). */
  stop(): Promise<void>;
  /** What SIGTERM runs: chargers closed with 1001 first, then gw.close(). */
  shutdown(): Promise<boolean>;
}

export interface TestCluster {
  db: TestDatabase;
  nodes: TestNode[];
  /** Starts one more in-process node on the shared database. */
  add(overrides?: StartOptions): Promise<TestNode>;
  /** One more node as a real process (src/main.ts), for SIGKILL and SIGTERM. */
  spawn(env?: Record<string, string>): Promise<GatewayProcess>;
  /** Creates an installation with these chargers through the first node's store. */
  installation(chargers: string[], idTags?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Several gateways on one fresh PostgreSQL database, as a cluster of nodes runs them. */
export async function startTestCluster(count: number, overrides: StartOptions = {}): Promise<TestCluster> {
  const db = await freshDatabase('postgres');
  // Every node must read what another sealed.
  const secretKey = randomBytes(32).toString('base64');
  const chargers: SimCharger[] = [];
  const processes: GatewayProcess[] = [];
  const nodes: TestNode[] = [];

  async function add(o: StartOptions = {}): Promise<TestNode> {
    const logs: Record<string, any>[] = [];
    const gw = await startGateway({
      isolated: true,
      host: '127.0.0.1',
      ocppPort: 0,
      httpPort: 0,
      dataDir: db.dataDir,
      databaseUrl: db.databaseUrl,
      secretKey,
      adminToken: ADMIN_TOKEN,
      pingIntervalSec: 0,
      logger: captureLogger(logs),
      outboundAllowList: ['127.0.0.0/8', '::1/128'],
      ...CLUSTER_TIMING,
      ...overrides,
      ...o,
    });
    let stopped = false;
    const node: TestNode = {
      gw,
      logs,
      ocppUrl: `ws://127.0.0.1:${gw.ocppPort}/ocpp`,
      api: (method, path, body) => apiCall(gw.httpPort, method, path, body),
      charger(id, opts = {}) {
        const c = new SimCharger({ url: node.ocppUrl, id, callTimeoutMs: 5000, ...opts });
        chargers.push(c);
        return c;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await gw.close();
      },
      async shutdown() {
        if (stopped) return true;
        stopped = true;
        return shutdown(gw, gw.config.shutdownTimeoutMs);
      },
    };
    nodes.push(node);
    return node;
  }

  for (let i = 0; i < count; i++) await add();
  return {
    db,
    nodes,
    add,
    async spawn(env = {}) {
      const p = await spawnGateway({
        DATABASE_URL: db.databaseUrl as string,
        DATA_DIR: db.dataDir,
        SECRET_KEY: secretKey,
        ADMIN_TOKEN,
        LOG_LEVEL: 'info',
        NODE_HEARTBEAT_MS: String(CLUSTER_TIMING.nodeHeartbeatMs),
        NODE_TIMEOUT_MS: String(CLUSTER_TIMING.nodeTimeoutMs),
        ...env,
      }, SPAWN_TIMEOUT_MS);
      processes.push(p);
      return p;
    },
    async installation(ids, idTags = []) {
      const { store } = nodes[0].gw;
      const inst = await store.installations.create({ name: `site-${randomBytes(3).toString('hex')}` });
      for (const id of ids) await store.chargers.create(inst.id, id);
      for (const idTag of idTags) await store.idTags.upsert(inst.id, { idTag, status: 'Accepted' } as any);
      return inst.id;
    },
    async stop() {
      await Promise.all(chargers.map((c) => c.close().catch(() => undefined)));
      const running = processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
      await Promise.all(running.map((p) => p.kill('SIGKILL')));
      await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
      await db.drop();
    },
  };
}

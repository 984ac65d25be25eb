import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startGateway, type Gateway, type StartOptions } from '../../src/app.js';
import { redactPaths } from '../../src/log.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { freshDatabase, type TestDatabase } from './databases.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestGateway {
  gw: Gateway;
  db: TestDatabase;
  /** Every log line the gateway wrote, parsed. */
  logs: Record<string, any>[];
  ocppUrl: string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  charger(id: string, opts?: Partial<ConstructorParameters<typeof SimCharger>[0]>): SimCharger;
  /** Creates an installation with these chargers and id tags (in the store; the API has its own tests). */
  installation(chargers: string[], idTags?: { idTag: string; status?: string; expiryDate?: string; parentIdTag?: string }[]): Promise<string>;
  /** Stops the gateway and starts it again on the same database. */
  restart(overrides?: StartOptions): Promise<void>;
  stop(): Promise<void>;
}

/** Key of the raw JSON text of a captured log line. */
const RAW = Symbol('raw log line');

/** The JSON text a captured log line was parsed from. */
export const rawLine = (line: Record<string, any>): string => (line as Record<symbol, string>)[RAW];

export function captureLogger(lines: Record<string, any>[]) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      // The raw text rides along, hidden from matchers: JSON.parse keeps only the last of duplicate keys.
      for (const line of String(chunk).split('\n')) if (line) lines.push(Object.defineProperty(JSON.parse(line), RAW, { value: line }));
      done();
    },
  });
  return pino({ level: 'debug', redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
}

/** One REST call with the admin token, JSON in and out. */
export async function apiCall<T = any>(httpPort: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The real gateway on port 0 with a fresh database of the given engine. */
export async function startTestGateway(engine: 'sqlite' | 'postgres' = 'sqlite', overrides: StartOptions = {}): Promise<TestGateway> {
  const db = await freshDatabase(engine);
  const logs: Record<string, any>[] = [];
  const chargers: SimCharger[] = [];
  const options = (o: StartOptions): StartOptions => ({
    isolated: true,
    ocppPort: 0,
    httpPort: 0,
    dataDir: db.dataDir,
    databaseUrl: db.databaseUrl,
    adminToken: ADMIN_TOKEN,
    pingIntervalSec: 0,
    logger: captureLogger(logs),
    // The simulators listen on 127.0.0.1, which the gateway refuses to call by default.
    outboundAllowList: ['127.0.0.0/8', '::1/128'],
    ...overrides,
    ...o,
  });
  let gw = await startGateway(options({}));

  const t: TestGateway = {
    get gw() {
      return gw;
    },
    db,
    logs,
    get ocppUrl() {
      return `ws://127.0.0.1:${gw.ocppPort}/ocpp`;
    },
    api: (method, path, body) => apiCall(gw.httpPort, method, path, body),
    charger(id, opts = {}) {
      const c = new SimCharger({ url: t.ocppUrl, id, callTimeoutMs: 5000, ...opts });
      chargers.push(c);
      return c;
    },
    async installation(ids, idTags = []) {
      const inst = await gw.store.installations.create({ name: `site-${Math.random().toString(36).slice(2, 8)}` });
      for (const id of ids) await gw.store.chargers.create(inst.id, id);
      for (const tag of idTags) await gw.store.idTags.upsert(inst.id, { status: 'Accepted', ...tag } as any);
      return inst.id;
    },
    async restart(o = {}) {
      await gw.close();
      gw = await startGateway(options({ ...o }));
    },
    async stop() {
      await Promise.all(chargers.map((c) => c.close().catch(() => undefined)));
      await gw.close();
      await db.drop();
    },
  };
  return t;
}

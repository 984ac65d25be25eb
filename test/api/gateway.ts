// The real gateway on port 0 and a small fetch client for its REST API.

import { startGateway, type Gateway, type StartOptions } from '../../src/app.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { parsedBody } from '../helpers/portal.js';

export const ADMIN_TOKEN = 'test-admin-token-123456';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface TestApi {
  gateway: Gateway;
  base: string;
  /** JSON in, JSON out, with the admin token unless `headers.authorization` overrides it. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** A simulated charger connected (not booted) to this gateway. */
  charger(id: string): Promise<SimCharger>;
  close(): Promise<void>;
}

export async function startApi(engine: 'sqlite' | 'postgres' = 'sqlite', options: StartOptions = {}): Promise<TestApi> {
  const database: TestDatabase = await freshDatabase(engine);
  const gateway = await startGateway({
    isolated: true,
    host: '127.0.0.1',
    ocppPort: 0,
    httpPort: 0,
    dataDir: database.dataDir,
    databaseUrl: database.databaseUrl,
    adminToken: ADMIN_TOKEN,
    logLevel: 'silent',
    ...options,
  });
  const base = `http://127.0.0.1:${gateway.httpPort}`;
  const chargers: SimCharger[] = [];

  return {
    gateway,
    base,
    async request(method, path, body, headers = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: parsedBody(res, text) };
    },
    async charger(id) {
      const charger = new SimCharger({ url: `ws://127.0.0.1:${gateway.ocppPort}/ocpp`, id, callTimeoutMs: 5_000 });
      await charger.connect();
      chargers.push(charger);
      return charger;
    },
    async close() {
      await Promise.all(chargers.map((c) => c.close()));
      await gateway.close();
      await database.drop();
    },
  };
}

/** Waits until `check` passes: store writes after a connect or close land asynchronously (a loaded machine lands them late). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

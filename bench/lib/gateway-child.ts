// Child process entry for the gateway. The only coupling to src/ is
// `startGateway` from src/app.ts; the contract is restated below so the bench
// still typechecks (and fails with a clear message) while src/app.ts is missing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveAsChild } from './child.js';
import { BENCH_ADMIN_TOKEN, GATEWAY_DATA_DIR_ENV } from './gateway-setup.js';

interface Gateway {
  ocppPort: number;
  httpPort: number;
  adminToken: string;
  close(): Promise<void>;
}

type StartGateway = (overrides?: {
  ocppPort?: number;
  httpPort?: number;
  host?: string;
  dataDir?: string;
  logLevel?: string;
  adminToken?: string;
  outboundAllowList?: string[];
}) => Promise<Gateway>;

// A variable specifier keeps tsc from resolving the module at compile time.
const APP_MODULE = '../../src/app.js';

async function loadStartGateway(): Promise<StartGateway> {
  let app: { startGateway?: unknown };
  try {
    app = await import(APP_MODULE);
  } catch (err) {
    throw new Error(`cannot import src/app.ts (${(err as Error).message}); the gateway part of the bench needs it`);
  }
  if (typeof app.startGateway !== 'function') throw new Error('src/app.ts does not export a startGateway function');
  return app.startGateway as StartGateway;
}

// Only as a forked bench child: without an IPC channel there is nobody to report to.
if (process.send) {
  await serveAsChild(async () => {
    const startGateway = await loadStartGateway();
    // A given data dir outlives this child (set up once, measured after a restart); our own does not.
    const given = process.env[GATEWAY_DATA_DIR_ENV];
    const dataDir = given || mkdtempSync(join(tmpdir(), 'ocpp-bench-'));
    const removeOwn = () => given || rmSync(dataDir, { recursive: true, force: true });
    try {
      const gateway = await startGateway({
        ocppPort: 0,
        httpPort: 0,
        host: '127.0.0.1',
        dataDir,
        logLevel: 'warn',
        adminToken: BENCH_ADMIN_TOKEN,
        // The simulators listen on loopback, which the gateway refuses to call by default.
        outboundAllowList: ['127.0.0.0/8', '::1/128'],
      });
      return {
        info: { ocppPort: gateway.ocppPort, httpPort: gateway.httpPort, adminToken: gateway.adminToken },
        close: async () => {
          await gateway.close();
          removeOwn();
        },
      };
    } catch (err) {
      removeOwn();
      throw err;
    }
  });
}

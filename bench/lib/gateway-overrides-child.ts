// Child process entry for the gateway in the webhook and notifications scenarios. Unlike
// gateway-child.ts it starts isolated (no config file, no environment) and takes
// config overrides from the parent, e.g. `decisionCacheTtlSec: 0`, through
// BENCH_GATEWAY_OVERRIDES (JSON), since server-process.ts forks without arguments.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../src/app.js';
import type { ConfigOverrides } from '../../src/config.js';
import { serveAsChild } from './child.js';
import { BENCH_ADMIN_TOKEN } from './gateway-setup.js';
import { GATEWAY_OVERRIDES_ENV } from './gateway-process.js';

// Only as a forked bench child: without an IPC channel there is nobody to report to.
if (process.send) {
  await serveAsChild(async () => {
    const overrides = JSON.parse(process.env[GATEWAY_OVERRIDES_ENV] ?? '{}') as ConfigOverrides;
    // A part that writes into the database itself (the notifications backlog) gives the directory; removed on close all the same.
    const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'ocpp-bench-webhook-'));
    try {
      const gateway = await startGateway({
        // The provider and receiver simulators listen on loopback, which the gateway refuses by default.
        outboundAllowList: ['127.0.0.0/8', '::1/128'],
        ...overrides,
        ocppPort: 0,
        httpPort: 0,
        host: '127.0.0.1',
        isolated: true,
        logLevel: 'warn',
        adminToken: BENCH_ADMIN_TOKEN,
        dataDir,
        // Given, so the gateway does not warn about generating one and its log shows only what went wrong.
        secretKey: randomBytes(32).toString('base64'),
      });
      return {
        info: { ocppPort: gateway.ocppPort, httpPort: gateway.httpPort, adminToken: gateway.adminToken },
        close: async () => {
          await gateway.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  });
}

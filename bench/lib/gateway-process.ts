// A gateway child with config overrides (gateway-overrides-child.ts), optionally under
// --cpu-prof, and a client for its REST API: what the webhook and notifications scenarios
// start their gateway with.

import type { ConfigOverrides } from '../../src/config.js';
import { BENCH_ADMIN_TOKEN } from './gateway-setup.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { cpuProfileFlags } from '../tools/cpu-profile.js';

/** How gateway-overrides-child.ts receives its overrides. */
export const GATEWAY_OVERRIDES_ENV = 'BENCH_GATEWAY_OVERRIDES';

const TIMEOUT_MS = 15_000;

/** A gateway child with `overrides`; with `cpuProfileDir`, Node's own --cpu-prof writes the child's profile there when it exits. */
export function startGatewayProcess(overrides: ConfigOverrides, cpuProfileDir?: string): Promise<ServerProcess> {
  const env = { [GATEWAY_OVERRIDES_ENV]: JSON.stringify(overrides) };
  return startServerProcess('gateway', './gateway-overrides-child.ts', env, cpuProfileFlags(cpuProfileDir));
}

export type Api = (method: 'POST' | 'PUT' | 'PATCH', path: string, body: object) => Promise<unknown>;

export function apiClient(httpPort: number, adminToken = BENCH_ADMIN_TOKEN): Api {
  return async (method, path, body) => {
    const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    const expected = method === 'POST' ? 201 : 200;
    if (res.status !== expected) throw new Error(`${method} ${path} answered HTTP ${res.status}, expected ${expected}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
}

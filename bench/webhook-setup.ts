// Puts a gateway in place for the webhook scenario: a gateway child with the
// given config overrides, one installation in webhook mode pointing at the
// provider, and its chargers, all through the REST API as a site owner would.

import type { ConfigOverrides } from '../src/config.js';
import { BENCH_ADMIN_TOKEN } from './gateway-setup.js';
import { AUTH_PAYLOAD } from './provider-fixture.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** How webhook-gateway-child.ts receives its overrides. */
export const GATEWAY_OVERRIDES_ENV = 'BENCH_GATEWAY_OVERRIDES';

const CONCURRENCY = 32;
const TIMEOUT_MS = 15_000;
/** The installation's webhook deadline; a charger is waiting. */
const WEBHOOK_TIMEOUT_MS = 3_000;

export function startWebhookGateway(overrides: ConfigOverrides): Promise<ServerProcess> {
  // startServerProcess forks before its first await and the child inherits this
  // environment, so setting it around the call reaches that child only.
  const before = process.env[GATEWAY_OVERRIDES_ENV];
  process.env[GATEWAY_OVERRIDES_ENV] = JSON.stringify(overrides);
  try {
    return startServerProcess('gateway', './webhook-gateway-child.ts');
  } finally {
    if (before === undefined) delete process.env[GATEWAY_OVERRIDES_ENV];
    else process.env[GATEWAY_OVERRIDES_ENV] = before;
  }
}

export type Api = (method: 'POST' | 'PATCH', path: string, body: object) => Promise<unknown>;

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

/** Creates the webhook installation and chargers `${idPrefix}1…${chargers}`; returns the installation id. */
export async function createWebhookInstallation(
  api: Api,
  setup: { sessionStartUrl: string; chargers: number; idPrefix: string },
): Promise<string> {
  const installation = (await api('POST', '/api/installations', {
    name: 'bench-webhook',
    authentication: {
      mode: 'webhook',
      authPayload: AUTH_PAYLOAD,
      sessionStartUrl: setup.sessionStartUrl,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      offlineAllow: false,
    },
  })) as { id?: unknown };
  if (typeof installation?.id !== 'string') throw new Error('POST /api/installations returned no id');
  const base = `/api/installations/${encodeURIComponent(installation.id)}`;
  let next = 0;
  const worker = async () => {
    while (next < setup.chargers) await api('POST', `${base}/chargers`, { id: `${setup.idPrefix}${++next}` });
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, setup.chargers) }, worker));
  return installation.id;
}

// Scenario "http-clients": the comparison behind the gateway's outbound HTTP
// client. The provider simulator runs in one child; each client posts session
// starts to it from a fresh load child, 64 in flight, and the baseline ("none")
// does the same JSON work with no call at all. CPU per request is the load
// child's own, so a provider near 100 % caps requests/s but not that figure.

import { cpus } from 'node:os';
import { runLoadTask, type ClientRun } from '../../lib/load-process.js';
import type { ClientName } from '../../lib/outbound-clients.js';
import { sessionStartBody, type ProviderInfo } from '../../lib/provider-fixture.js';
import { startServerProcess } from '../../lib/server-process.js';
import { formatTable, show } from '../../lib/table.js';

export interface HttpClientsOptions {
  quick: boolean;
  log: (line: string) => void;
}

export interface HttpClientsResult {
  date: string;
  node: string;
  cpus: number;
  concurrency: number;
  durationMs: number;
  bodyBytes: number;
  /** Keyed by client; `none` is the baseline. */
  clients: Partial<Record<ClientName | 'none', ClientRun | { error: string }>>;
}

const CLIENTS: { name: ClientName | 'none'; label: string }[] = [
  { name: 'none', label: 'no call (JSON only)' },
  { name: 'undici', label: 'undici request()' },
  { name: 'node-http', label: 'node:http keep-alive' },
  { name: 'axios', label: 'axios keep-alive' },
  { name: 'fetch', label: 'fetch (global)' },
];
const CONCURRENCY = 64;
const WARMUP_MS = 500;
// Fork, tsx compile, warm-up and the run, with room to spare.
const CHILD_TIMEOUT_MS = 30_000;

/** Figures measured before on this machine (bare OCPP server, one POST per Authorize), printed for reference. */
const EARLIER = 'earlier (OCPP server + 1 POST/Authorize): no call 26,600/s; undici 6,000/s, node:http 4,900/s, axios 1,600/s, fetch 1,200/s; CPU/POST undici and node:http ~105 µs, axios ~540 µs, fetch ~740 µs';

export async function runHttpClientsScenario(opts: HttpClientsOptions): Promise<HttpClientsResult> {
  const durationMs = opts.quick ? 2_000 : 4_000;
  const provider = await startServerProcess('provider', './provider-child.ts');
  const result: HttpClientsResult = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    concurrency: CONCURRENCY,
    durationMs,
    bodyBytes: Buffer.byteLength(JSON.stringify(sessionStartBody(1))),
    clients: {},
  };
  try {
    const { startUrl } = provider.info as ProviderInfo;
    for (const { name, label } of CLIENTS) {
      opts.log(`http-clients: ${label}, ${CONCURRENCY} in flight for ${durationMs} ms`);
      const task = { kind: 'client', client: name, url: startUrl, concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs, providerPid: provider.pid } as const;
      result.clients[name] = await runLoadTask(task, CHILD_TIMEOUT_MS).catch((err: Error) => ({ error: err.message }));
      const exited = provider.exitedEarly();
      if (exited) throw new Error(`${exited}\n${provider.output()}`);
    }
    return result;
  } finally {
    await provider.stop();
  }
}

export function formatHttpClients(r: HttpClientsResult): string {
  const base = r.clients.none;
  const undici = r.clients.undici;
  const header = ['client', 'req/s', '÷ baseline', 'p50 ms', 'p99 ms', 'CPU µs/req', 'CPU ÷ undici', 'client CPU %', 'provider CPU %', 'failed'];
  const rows = CLIENTS.map(({ name, label }) => {
    const run = r.clients[name];
    if (!run) return [label, 'not run'];
    if ('error' in run) return [label, `failed: ${run.error.split('\n')[0]}`];
    const failed = run.errors + Object.entries(run.statuses).reduce((n, [s, c]) => n + (s === 'allowed' || name === 'none' ? 0 : c), 0);
    return [
      label,
      show(run.perSec),
      base && !('error' in base) ? ratio(run.perSec, base.perSec) : '-',
      show(run.latencyMs.p50),
      show(run.latencyMs.p99),
      show(run.cpuUsPerRequest),
      undici && !('error' in undici) && name !== 'none' ? ratio(run.cpuUsPerRequest, undici.cpuUsPerRequest) : '-',
      show(run.generatorCpuPct),
      name === 'none' ? '-' : show(run.providerCpuPct),
      show(failed),
    ];
  });
  return [
    `scenario http-clients: POST ${r.bodyBytes}-byte session.start with Basic auth to the provider simulator, ${r.concurrency} in flight, ${r.durationMs / 1000} s per client`,
    formatTable(header, rows),
    EARLIER,
  ].join('\n');
}

function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(a / b < 0.1 ? 3 : 2) : '-';
}

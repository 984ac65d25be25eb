// The Grafana dashboard's queries as Grafana sends them, answered by a real Prometheus that scrapes
// a real gateway: every expression parses and runs, and the panels a site's first minutes fill
// (chargers online, OCPP messages, decisions, the process) have data. Grafana's own rendering is
// not run here. Prometheus comes from Debian's prometheus package (.ci/run unpacks it; PROMETHEUS
// names another binary); without one the test is skipped.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, eventually, startApi, type TestApi } from './gateway.js';
import { closedPort } from '../helpers/ports.js';

const PROMETHEUS = process.env.PROMETHEUS ?? 'prometheus';
const hasPrometheus = spawnSync(PROMETHEUS, ['--version']).status === 0;

interface Panel {
  title: string;
  targets: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana/gateway-dashboard.json', import.meta.url), 'utf8')) as { panels: Panel[] };
/** What Grafana puts for $__rate_interval: at least four scrape intervals; a minute holds many of ours. */
const asGrafanaSends = (expr: string) => expr.replaceAll('$__rate_interval', '1m');
/** Panels that have data once a charger booted and asked for a card. */
const FILLED = ['Chargers online', 'OCPP messages per second', 'Authorization decisions by source and status', 'Process'];

interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { result: unknown[] };
}

describe.skipIf(!hasPrometheus)('the Grafana dashboard against a real Prometheus', { timeout: 60_000 }, () => {
  let api: TestApi;
  let prometheus: ChildProcess;
  let dir: string;
  let base: string;
  const query = async (expr: string): Promise<QueryAnswer> =>
    (await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: expr })}`)).json() as Promise<QueryAnswer>;

  beforeAll(async () => {
    api = await startApi('sqlite');
    const inst = await api.request('POST', '/api/installations', { name: 'Grafana' });
    await api.request('POST', `/api/installations/${inst.body.id}/chargers`, { id: 'GF-1' });
    await api.request('POST', `/api/installations/${inst.body.id}/id-tags`, { idTag: 'GF-CARD' });
    const charger = await api.charger('GF-1');
    await charger.boot();
    await charger.authorize('GF-CARD');

    // Scraped as config/prometheus.yml scrapes a node: /metrics with the admin token from a file.
    dir = mkdtempSync(join(tmpdir(), 'gw-prometheus-'));
    writeFileSync(join(dir, 'token'), ADMIN_TOKEN);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: gateway\n    authorization: { type: Bearer, credentials_file: ${join(dir, 'token')} }\n` +
        `    static_configs: [{ targets: ['127.0.0.1:${api.gateway.httpPort}'] }]\n`,
    );
    const port = await closedPort();
    base = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    // rate() needs two samples in its window: wait for the third scrape.
    await eventually(async () => {
      const answer = await query('count_over_time(up{job="gateway"}[1m]) >= 3 and up{job="gateway"} == 1').catch(() => undefined);
      return (answer?.data?.result.length ?? 0) > 0;
    }, 30_000);
  }, 60_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every panel query without an error', async () => {
    const failed: string[] = [];
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const answer = await query(asGrafanaSends(target.expr));
        if (answer.status !== 'success') failed.push(`${panel.title}: ${target.expr}: ${answer.error}`);
      }
    }
    expect(failed).toEqual([]);
  });

  it.each(FILLED)('fills "%s" once a charger has booted and asked for a card', async (title) => {
    const panels = dashboard.panels.filter((p) => p.title === title);
    expect(panels.length, title).toBeGreaterThan(0);
    for (const target of panels.flatMap((p) => p.targets)) {
      const answer = await query(asGrafanaSends(target.expr));
      expect(answer.data?.result.length, target.expr).toBeGreaterThan(0);
    }
  });
});

// /metrics as Prometheus reads it: a strict text-format parser accepts the whole output (and
// promtool, where the Debian package `prometheus` installed it), route labels are readable
// patterns, the standard process and Node.js series are there, and every series the Grafana
// dashboard in docs/grafana/ queries is exposed.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADMIN_TOKEN, startApi, type TestApi } from './gateway.js';
import { checkExposition, exposedNames } from '../helpers/promText.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the strict exposition reader', () => {
  it('accepts well-formed text and names each kind of mistake', () => {
    const good = '# HELP a_total Things.\n# TYPE a_total counter\na_total{route="/api/x",q="a\\"b\\\\c\\n"} 3\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1.5\nh_count 2\n';
    expect(checkExposition(good)).toEqual([]);
    // What the portal's catch-all route exported before it had a name.
    expect(checkExposition('# TYPE d histogram\nd_count{route="/^\\/(?!api(\\/|$)).*/"} 1\n')).toEqual([expect.stringContaining('invalid escape sequence "\\/"')]);
    expect(checkExposition('# TYPE a gauge\n# TYPE a gauge\na 1\n')).toEqual([expect.stringContaining('second TYPE line')]);
    expect(checkExposition('# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n')).toEqual([expect.stringContaining('no +Inf bucket')]);
    expect(checkExposition('a{1x="v"} 1\n')).toEqual([expect.stringContaining('invalid label name')]);
    expect(checkExposition('a 1\nb 1\na 2\n')).toEqual(expect.arrayContaining([expect.stringContaining('not together')]));
  });
});

describe('GET /metrics', () => {
  let api: TestApi;
  let text: string;

  beforeAll(async () => {
    api = await startApi('sqlite');
    const inst = await api.request('POST', '/api/installations', { name: 'Metrics' });
    await api.request('POST', `/api/installations/${inst.body.id}/chargers`, { id: 'MX-1' });
    const charger = await api.charger('MX-1');
    await charger.boot();
    // The portal's page (a regular-expression route), an API route and a path nothing serves.
    await fetch(`${api.base}/installations/${inst.body.id}`, { headers: { accept: 'text/html' } });
    await api.request('GET', `/api/installations/${inst.body.id}`);
    await api.request('GET', '/api/no-such-route');
    const res = await fetch(`${api.base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    text = await res.text();
  });
  afterAll(() => api?.close());

  it('passes a strict parser', () => {
    expect(checkExposition(text)).toEqual([]);
  });

  // .ci/run puts Debian's promtool on PATH; PROMTOOL names another. Its lint counts: exit 3 is a failure too.
  const promtool = process.env.PROMTOOL ?? 'promtool';
  const hasPromtool = spawnSync(promtool, ['--version']).status === 0;
  it.skipIf(!hasPromtool)('passes promtool check metrics, lint included', () => {
    const checked = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${checked.stdout}${checked.stderr}`).toBe('');
    expect(checked.status).toBe(0);
  });

  it('labels routes with patterns a person reads', () => {
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    expect([...routes]).toEqual(expect.arrayContaining(['/{portal page}', '/api/installations', '/api/installations/:id', '(unmatched)']));
    for (const route of routes) expect(route).toMatch(/^(\/[\w{}:*. -]*)+$|^\([a-z ]+\)$/);
  });

  it('has the standard process and Node.js series', () => {
    const names = exposedNames(text);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(names.has(name), name).toBe(true);
    }
  });

  describe('the Grafana dashboard', () => {
    const dashboard = JSON.parse(read('docs/grafana/gateway-dashboard.json')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const expressions = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const queried = new Set(expressions.flatMap((e) => e.match(/\b(?:gateway|process|nodejs)_[a-z0-9_]+/g) ?? []));

    it('queries only series /metrics exposes', () => {
      const exposed = exposedNames(text);
      expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
    });

    it('shows chargers online, OCPP messages, decisions, provider latency and breaker, notification backlog and failures', () => {
      for (const name of [
        'gateway_connected_chargers', 'gateway_ocpp_messages_total', 'gateway_authorization_decisions_total', 'gateway_provider_request_duration_seconds_bucket',
        'gateway_provider_breaker_state', 'gateway_notification_backlog_events', 'gateway_notification_attempts_total',
      ]) expect(queried.has(name), name).toBe(true);
    });

    it('asks for its Prometheus through a variable, so an imported copy works with any data source', () => {
      const raw = dashboard as unknown as { templating: { list: { name: string; type: string; query: string }[] }; panels: { datasource: unknown; targets: { datasource: unknown }[] }[] };
      expect(raw.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
      const used = raw.panels.flatMap((p) => [p.datasource, ...p.targets.map((t) => t.datasource)]);
      expect(new Set(used.map((d) => JSON.stringify(d)))).toEqual(new Set([JSON.stringify({ type: 'prometheus', uid: '${datasource}' })]));
    });

    it('is provisioned in docker-compose.yml with a Prometheus that scrapes every node', () => {
      const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { volumes?: string[]; build?: string }> };
      const grafana = compose.services.grafana.volumes ?? [];
      expect(grafana).toContain('./docs/grafana:/var/lib/grafana/dashboards:ro');
      const provider = parse(read('config/grafana/dashboards/gateway.yml'));
      expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
      // The provisioned Prometheus is the default data source, which the dashboard's variable picks.
      const datasource = parse(read('config/grafana/datasources/prometheus.yml'));
      expect(datasource.datasources[0]).toMatchObject({ type: 'prometheus', isDefault: true });
      const scrape = parse(read('config/prometheus.yml'));
      const nodes = Object.entries(compose.services).filter(([, s]) => s.build !== undefined).map(([name]) => `${name}:8080`);
      expect(scrape.scrape_configs[0].static_configs[0].targets.sort()).toEqual(nodes.sort());
      expect(compose.services.prometheus.volumes).toContain('./config/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { ENV_VARIABLES, loadConfig, type Config } from '../../src/config.js';

// The example deployment of docs/deployment.md must start: every node gets only settings the
// gateway knows, the same database and key, and the balancer points at the ports they listen on.

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const haproxy = parseHaproxy(read('config/haproxy.cfg'));
const exposed = [...read('Dockerfile').matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/).map(Number));

interface Service {
  build?: unknown;
  image?: string;
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  stop_grace_period?: string;
}

/** What `docker compose` would substitute, with the values an operator must supply. */
const supplied: Record<string, string> = { SECRET_KEY: randomBytes(32).toString('base64'), ADMIN_TOKEN: randomBytes(24).toString('hex') };

function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    const given = supplied[name];
    if (given !== undefined) return given;
    if (op === '-') return arg ?? '';
    throw new Error(`${name} has no default and must be supplied: ${arg}`);
  });
}

const gateways = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
const envOf = (s: Service) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
const configs = new Map<string, Config>(gateways.map(([name, s]) => [name, loadConfig({ env: envOf(s), argv: [] })]));

describe('docker-compose.yml', () => {
  it('runs three gateway nodes built from the Dockerfile', () => {
    expect(gateways.map(([name]) => name)).toHaveLength(3);
    for (const [, s] of gateways) expect(s.build).toBe('.');
  });

  it('gives every node one DATABASE_URL, one SECRET_KEY and a NODE_ID of its own', () => {
    const envs = gateways.map(([, s]) => envOf(s));
    expect(new Set(envs.map((e) => e.DATABASE_URL)).size).toBe(1);
    expect(new Set(envs.map((e) => e.SECRET_KEY)).size).toBe(1);
    expect(new Set(envs.map((e) => e.NODE_ID)).size).toBe(3);
    const db = new URL(envs[0].DATABASE_URL);
    expect(db.protocol).toBe('postgres:');
    expect(compose.services[db.hostname]?.image).toMatch(/^postgres:/);
  });

  it('sets only environment variables the gateway reads, with values its config loader accepts', () => {
    for (const [name, s] of gateways) {
      const unknown = Object.keys(s.environment ?? {}).filter((k) => !ENV_VARIABLES.includes(k));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
      const config = configs.get(name)!;
      expect(config.databaseUrl).toBe(envOf(s).DATABASE_URL);
      expect(config.nodeId).toBe(name);
    }
  });

  it('listens on the ports the Dockerfile exposes', () => {
    for (const config of configs.values()) expect(exposed.sort()).toEqual([config.ocppPort, config.httpPort].sort());
  });

  it('gives a node longer to stop than its own shutdown timeout, so SIGTERM ends in a going-away close, not a kill', () => {
    for (const [name, s] of gateways) expect(seconds(s.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(configs.get(name)!.shutdownTimeoutMs);
  });
});

describe('config/haproxy.cfg', () => {
  const config = configs.values().next().value!;
  const names = gateways.map(([name]) => name).sort();
  const servers = (backend: string) => haproxy.sections.get(`backend ${backend}`)?.filter((l) => l[0] === 'server') ?? [];
  const frontendOn = (port: number) => [...haproxy.sections].find(([name, lines]) => name.startsWith('frontend') && lines.some((l) => l[0] === 'bind' && l[1].endsWith(`:${port}`)));
  const backendOf = (port: number) => frontendOn(port)?.[1].find((l) => l[0] === 'default_backend')?.[1] ?? '';

  it('is the file the balancer service mounts, published on the gateway ports', () => {
    const balancer = compose.services.haproxy;
    expect(balancer.volumes?.some((v) => v.startsWith('./config/haproxy.cfg:'))).toBe(true);
    expect(balancer.ports?.map((p) => Number(p.split(':')[0])).sort()).toEqual([config.ocppPort, config.httpPort].sort());
  });

  it.each([
    ['OCPP', () => config.ocppPort],
    ['REST API', () => config.httpPort],
  ])('sends %s to all three nodes on their port', (_what, port) => {
    const listed = servers(backendOf(port())).map((l) => l[2]);
    expect(listed.sort()).toEqual(names.map((n) => `${n}:${port()}`));
  });

  it('keeps a quiet WebSocket open well past the ping interval', () => {
    const t = haproxy.timeouts;
    // After the upgrade HAProxy applies `timeout tunnel`; without one, the client and server timeouts.
    const idle = t.get('tunnel') ?? Math.min(t.get('client') ?? 0, t.get('server') ?? 0);
    expect(idle).toBeGreaterThan(2 * config.pingIntervalSec * 1000);
    expect(t.get('connect')).toBeDefined();
  });
});

/** Sections (`global`, `defaults`, `frontend x`, `backend y`) and their lines as words; timeouts of `defaults` in ms. */
function parseHaproxy(text: string) {
  const sections = new Map<string, string[][]>();
  let current: string[][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const words = line.split(/\s+/);
    if (!/^\s/.test(raw) && ['global', 'defaults', 'frontend', 'backend', 'listen'].includes(words[0])) {
      sections.set(words.join(' '), (current = []));
    } else current.push(words);
  }
  const timeouts = new Map((sections.get('defaults') ?? []).filter((l) => l[0] === 'timeout').map((l) => [l[1], duration(l[2])]));
  return { sections, timeouts };
}

/** HAProxy durations: a bare number is milliseconds. */
function duration(text: string): number {
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(text);
  if (!m) throw new Error(`not a HAProxy duration: ${text}`);
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms']!;
  return Number(m[1]) * unit;
}

/** Compose durations such as 20s, 1m30s. */
function seconds(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(h|m|s)/g)) total += Number(n) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'];
  return total;
}

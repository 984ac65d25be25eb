import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../src/config.js';
import { renderEnvExample } from '../src/envExample.js';

const writeConfig = (file: object) => {
  const path = join(mkdtempSync(join(tmpdir(), 'gw-config-')), 'config.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
};

const load = (env: Record<string, string>, file?: object) => {
  const argv = file ? ['--config', writeConfig(file)] : [];
  return () => loadConfig({ env, argv });
};

describe('configuration', () => {
  it('has working defaults', () => {
    expect(loadConfig({ env: {}, argv: [] })).toMatchObject({ ocppPort: 9000, httpPort: 8080, acceptUnknownChargers: false });
  });

  it.each([
    [{ OCPP_PORT: 'abc' }, /ocppPort \(env OCPP_PORT\)/],
    [{ HTTP_PORT: '70000' }, /httpPort \(env HTTP_PORT\)/],
    [{ DATABASE_URL: 'mysql://x' }, /databaseUrl \(env DATABASE_URL\).*postgres/],
    [{ ADMIN_TOKEN: 'short' }, /adminToken \(env ADMIN_TOKEN\).*16/],
    [{ ACCEPT_UNKNOWN_CHARGERS: 'perhaps' }, /acceptUnknownChargers/],
    [{ SECRET_KEY: 'bm90LTMyLWJ5dGVz' }, /secretKey.*32 bytes/],
    [{ OCPP_TLS_PORT: '9443' }, /tlsCertFile: required when ocppTlsPort is set/],
    [{ NODE_HEARTBEAT_MS: 'soon' }, /nodeHeartbeatMs \(env NODE_HEARTBEAT_MS\)/],
    [{ OCPP_PUBLIC_URL: 'https://ocpp.example.com' }, /ocppPublicUrl \(env OCPP_PUBLIC_URL\).*ws:\/\/ or wss:\/\//],
    [{ NOTIFICATION_PRIORITY: 'realtime' }, /notificationPriority \(env NOTIFICATION_PRIORITY\).*"idle"\|"low"/],
    [{ NODE_HEARTBEAT_MS: '3000', NODE_TIMEOUT_MS: '4000' }, /nodeTimeoutMs \(env NODE_TIMEOUT_MS\): must be at least twice nodeHeartbeatMs/],
  ])('stops with a message naming the key for %o', (env, message) => {
    expect(load(env)).toThrow(ConfigError);
    expect(load(env)).toThrow(message);
  });

  it('gives every load its own node id unless NODE_ID names one', () => {
    const [one, two] = [loadConfig({ env: {}, argv: [] }), loadConfig({ env: {}, argv: [] })];
    expect(one.nodeId).not.toBe(two.nodeId);
    expect(one.nodeId).toContain(`-${process.pid}-`);
    expect(loadConfig({ env: { NODE_ID: 'gw-a' }, argv: [] }).nodeId).toBe('gw-a');
  });

  it('names an unknown key and a bad value in the config file', () => {
    expect(load({}, { ocppPrt: 1 })).toThrow(/unknown key "ocppPrt"/);
    expect(load({}, { heartbeatIntervalSec: 'often' })).toThrow(/heartbeatIntervalSec/);
  });

  it('lets the environment win over the file', () => {
    expect(load({ OCPP_PORT: '9100' }, { ocppPort: 9200 })().ocppPort).toBe(9100);
  });

  it('reads the file named by CONFIG, unless --config names another', () => {
    const fromEnv = writeConfig({ ocppPort: 9301, httpPort: 8301 });
    expect(loadConfig({ env: { CONFIG: fromEnv }, argv: [] })).toMatchObject({ ocppPort: 9301, httpPort: 8301 });
    expect(loadConfig({ env: { CONFIG: fromEnv }, argv: ['--config', writeConfig({ ocppPort: 9302 })] }).ocppPort).toBe(9302);
    expect(() => loadConfig({ env: { CONFIG: join(tmpdir(), 'gw-no-such-config.json') }, argv: [] })).toThrow(/gw-no-such-config.json cannot be read/);
  });

  it('stops the process at start-up with exit code 1 and the message', { timeout: 60_000 }, () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', OCPP_PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/Invalid configuration: ocppPort \(env OCPP_PORT\)/);
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const listed = new Map([...text.matchAll(/^# ([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));

  it('is what src/config.ts says (run npm run docs:env)', () => {
    expect(text).toBe(renderEnvExample());
  });

  it('lists every environment variable the gateway reads, OCPP_PUBLIC_URL among them', () => {
    expect([...listed.keys()].sort()).toEqual([...ENV_VARIABLES].sort());
    expect(listed.has('OCPP_PUBLIC_URL')).toBe(true);
  });

  it('gives the defaults: set as written, they change nothing', () => {
    const env = Object.fromEntries([...listed].filter(([, v]) => v !== ''));
    const empty = writeConfig({});
    const { nodeId: _a, ...asWritten } = loadConfig({ env, argv: ['--config', empty] });
    const { nodeId: _b, ...defaults } = loadConfig({ env: {}, argv: ['--config', empty] });
    expect(asWritten).toEqual(defaults);
  });
});

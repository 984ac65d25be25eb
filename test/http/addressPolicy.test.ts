import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy, isAllowEntry } from '../../src/http/addressPolicy.js';
import { createHttpClient, HttpError } from '../../src/http/client.js';
import { ConfigError, loadConfig, parseConfig } from '../../src/config.js';
import { startProvider, type Provider } from '../../simulators/provider/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { basicPayload } from '../helpers/provider.js';

describe('the outbound address policy', () => {
  const policy = createAddressPolicy({ allow: [] });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['192.0.0.8', 'IETF protocol assignment'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses %s as %s', (address, range) => {
    expect(policy.check(address)).toEqual({ ok: false, reason: expect.stringMatching(new RegExp(`^${range.replace(/[()]/g, '\\$&')} address `)) });
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback address 127.0.0.1'],
    ['::ffff:7f00:1', 'loopback address 127.0.0.1'],
    ['::ffff:10.0.0.1', 'private address 10.0.0.1'],
    ['::ffff:a9fe:a9fe', 'link-local address 169.254.169.254'],
    ['64:ff9b::7f00:1', 'loopback address 127.0.0.1'],
    ['64:ff9b::192.168.0.1', 'private address 192.168.0.1'],
    ['64:ff9b::6440:1', 'shared (CGNAT) address 100.64.0.1'],
  ])('checks the IPv4 address embedded in %s', (address, reason) => {
    const verdict = policy.check(address);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain(reason);
    expect(!verdict.ok && verdict.reason).toMatch(/IPv4-mapped|NAT64/);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '198.20.0.1', '223.255.255.255', '2606:4700:4700::1111', '2a00:1450::1', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'lets the public address %s pass',
    (address) => {
      expect(policy.check(address)).toEqual({ ok: true });
    },
  );

  it('lets addresses in allowed CIDRs pass, and only those', () => {
    const p = createAddressPolicy({ allow: ['10.20.0.0/16', '127.0.0.0/8', '::1/128', 'fd00:1::/32', '192.168.7.7'] });
    for (const ok of ['10.20.1.1', '127.0.0.1', '::1', '::ffff:127.0.0.1', 'fd00:1::5', '192.168.7.7']) expect(p.check(ok), ok).toEqual({ ok: true });
    for (const refused of ['10.21.0.1', 'fd00:2::5', '192.168.7.8', '169.254.169.254']) expect(p.check(refused).ok, refused).toBe(false);
  });

  it('exempts allowed host names whatever they resolve to, and asks every address of other names to pass', async () => {
    const p = createAddressPolicy({ allow: ['Provider.Internal'] });
    expect(p.checkResolved('provider.internal', ['10.0.0.1'])).toEqual({ ok: true });
    expect(await p.checkUrl('http://PROVIDER.internal./hooks')).toEqual({ ok: true });
    expect(p.checkResolved('other.example', ['8.8.8.8', '10.0.0.1'])).toEqual({ ok: false, reason: 'private address 10.0.0.1' });
    expect(p.checkResolved('other.example', ['8.8.8.8', '2606:4700::1'])).toEqual({ ok: true });
  });

  it('checks a URL by its literal address, or by what its host resolves to', async () => {
    expect(await policy.checkUrl('http://127.0.0.1:7000/sessions/start')).toEqual({ ok: false, reason: 'points to loopback address 127.0.0.1' });
    expect(await policy.checkUrl('https://[::ffff:127.0.0.1]/x')).toMatchObject({ ok: false, reason: expect.stringContaining('loopback address 127.0.0.1') });
    // URL parsers read these as 127.0.0.1 too.
    expect((await policy.checkUrl('http://2130706433/')).ok).toBe(false);
    expect((await policy.checkUrl('http://0x7f.1/')).ok).toBe(false);
    expect(await policy.checkUrl('http://localhost:7000/')).toMatchObject({ ok: false, reason: expect.stringMatching(/^host localhost resolves to loopback address/) });
    expect(await policy.checkUrl('http://no-such-host.invalid/')).toMatchObject({ ok: false, reason: expect.stringContaining('does not resolve') });
    expect(await policy.checkUrl('https://8.8.8.8/hooks')).toEqual({ ok: true });
  });

  it('accepts CIDRs, addresses and host names in the allow list, and nothing else', () => {
    for (const ok of ['127.0.0.0/8', '::1/128', '10.20.0.0/16', '192.168.1.10', 'fd00::/8', 'provider.internal', 'localhost']) expect(isAllowEntry(ok), ok).toBe(true);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.256', '10.0.0.0/8/1', 'bad/cidr', 'not a host', '*.example.com', '10.0.0.0/x']) expect(isAllowEntry(bad), bad).toBe(false);
    expect(() => createAddressPolicy({ allow: ['10.0.0.0/33'] })).toThrow(/10\.0\.0\.0\/33/);
  });

  it('stops start-up on an invalid entry, naming the key and its environment variable', () => {
    expect(() => parseConfig({ outboundAllowList: ['10.0.0.0/33'] })).toThrow(ConfigError);
    expect(() => parseConfig({ outboundAllowList: ['10.0.0.0/33'] })).toThrow(/outboundAllowList\.0: must be a CIDR/);
    const env = { OUTBOUND_ALLOW_LIST: '127.0.0.0/8, bad/cidr' };
    expect(() => loadConfig({ argv: [], env })).toThrow(/outboundAllowList\.1 \(env OUTBOUND_ALLOW_LIST\)/);
    expect(loadConfig({ argv: [], env: { OUTBOUND_ALLOW_LIST: '127.0.0.0/8,::1/128' } }).outboundAllowList).toEqual(['127.0.0.0/8', '::1/128']);
  });
});

describe('the HTTP client with a policy', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok')).on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );

  const send = (client: ReturnType<typeof createHttpClient>, host: string) => client.send({ method: 'GET', url: `http://${host}:${port}/`, timeoutMs: 2000 });

  it('never connects to a refused address, whether given literally or by a name', async () => {
    const client = createHttpClient({ maxSocketsPerOrigin: 2, maxResponseBytes: 1024, policy: createAddressPolicy({ allow: [] }) });
    try {
      for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '[::1]', '0.0.0.0']) {
        const err = await send(client, host).catch((e: unknown) => e);
        expect(err, host).toBeInstanceOf(HttpError);
        expect((err as HttpError).code).toBe('blocked_target');
        expect((err as HttpError).message).toMatch(/^refused to connect to \S+: (loopback|unspecified) address/);
      }
      expect((await send(client, 'localhost').catch((e: HttpError) => e.message)) as string).toContain('refused to connect to localhost');
      expect(connections).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('connects to allowed addresses and names', async () => {
    const byRange = createHttpClient({ maxSocketsPerOrigin: 2, maxResponseBytes: 1024, policy: createAddressPolicy({ allow: ['127.0.0.0/8'] }) });
    const byName = createHttpClient({ maxSocketsPerOrigin: 2, maxResponseBytes: 1024, policy: createAddressPolicy({ allow: ['localhost'] }) });
    try {
      expect((await send(byRange, '127.0.0.1')).body).toBe('ok');
      expect((await send(byName, 'localhost')).body).toBe('ok');
      // The name is exempt, not the address it resolves to.
      expect(await send(byName, '127.0.0.1').catch((e: HttpError) => e.code)).toBe('blocked_target');
    } finally {
      await Promise.all([byRange.close(), byName.close()]);
    }
  });
});

describe('a gateway that may not call loopback', () => {
  let t: TestGateway;
  let provider: Provider;
  beforeAll(async () => {
    provider = await startProvider({ users: { gateway: 'Pr0vider-Secret-Pa55' }, rules: { allow: ['GOOD-1'] } });
    t = await startTestGateway('sqlite', { outboundAllowList: [], decisionCacheTtlSec: 0 });
  });
  afterAll(async () => {
    await t?.stop();
    await provider?.close();
  });

  it('refuses to save an installation whose webhook URLs point to loopback, naming the field', async () => {
    const created = await t.api('POST', '/api/installations', {
      name: 'Loopback',
      authentication: { mode: 'webhook', sessionStartUrl: provider.startUrl, sessionEndUrl: 'https://8.8.8.8/end' },
    });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'authentication.sessionStartUrl', message: expect.stringContaining('loopback address 127.0.0.1') }] });

    const byName = await t.api('POST', '/api/installations', { name: 'Named', authentication: { authUrl: `http://localhost:${new URL(provider.url).port}/oauth/token` } });
    expect(byName.status).toBe(400);
    expect(byName.body.details).toEqual([{ field: 'authentication.authUrl', message: expect.stringContaining('host localhost resolves to loopback address') }]);

    const unresolved = await t.api('POST', '/api/installations', { name: 'Nowhere', authentication: { sessionEndUrl: 'https://provider.invalid/end' } });
    expect(unresolved.status).toBe(400);
    expect(unresolved.body.details).toEqual([{ field: 'authentication.sessionEndUrl', message: expect.stringContaining('does not resolve') }]);

    const ok = await t.api('POST', '/api/installations', { name: 'Public', authentication: { mode: 'webhook', sessionStartUrl: 'https://8.8.8.8/start' } });
    expect(ok.status).toBe(201);
    const patched = await t.api('PATCH', `/api/installations/${ok.body.id}`, { authentication: { sessionStartUrl: 'http://169.254.169.254/latest/meta-data' } });
    expect(patched.status).toBe(400);
    expect(patched.body.details).toEqual([{ field: 'authentication.sessionStartUrl', message: expect.stringContaining('link-local address 169.254.169.254') }]);
  });

  it('refuses to save a subscription whose url points to loopback, naming the field', async () => {
    const created = await t.api('POST', '/api/subscriptions', { label: 'loop', url: 'http://127.0.0.1:7100/hooks', events: ['*'] });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'url', message: expect.stringContaining('loopback address 127.0.0.1') }] });
    const mapped = await t.api('POST', '/api/subscriptions', { label: 'loop', url: 'http://[::ffff:10.1.2.3]/hooks', events: ['*'] });
    expect(mapped.body.details).toEqual([{ field: 'url', message: expect.stringContaining('private address 10.1.2.3') }]);
    const kafka = await t.api('POST', '/api/subscriptions', {
      label: 'kafka', kind: 'kafka', events: ['*'], kafka: { brokers: ['kafka.example.com:9092', '10.0.0.5:9092'], topic: 't' },
    });
    expect(kafka.status).toBe(400);
    expect(kafka.body.details.map((d: any) => d.field)).toContain('kafka.brokers.1');
  });

  async function webhookInstallation(chargerId: string, sessionStartUrl: string, offlineAllow: boolean) {
    const id = await t.installation([chargerId]);
    // Straight into the store: the API would refuse this URL, a record written before the check would not.
    await t.gw.store.installations.update(id, {
      authMode: 'webhook',
      authentication: { mode: 'webhook', authPayload: basicPayload, sessionStartUrl, offlineAllow, timeoutMs: 1000 },
    });
    const c = t.charger(chargerId);
    await c.connect();
    return c;
  }

  it('never calls a stored loopback URL: the provider counts as unreachable and the offline policy decides', async () => {
    const on = await webhookInstallation('SSRF-ON', provider.startUrl, true);
    const off = await webhookInstallation('SSRF-OFF', provider.startUrl, false);
    expect((await on.authorize('GOOD-1')).idTagInfo.status).toBe('Accepted');
    expect((await off.authorize('GOOD-1')).idTagInfo.status).toBe('Invalid');
    const tx = await on.startTransaction({ connectorId: 1, idTag: 'GOOD-1', meterStart: 0 });
    expect(await t.gw.store.transactions.get(tx.transactionId)).toMatchObject({
      authorizedOffline: true,
      authorization: { source: 'offline', reason: 'offline_allowed:blocked_target' },
    });
    expect(provider.counts().start).toBe(0);
    const warning = t.logs.find((l) => l.msg === 'provider unreachable' && l.reason === 'blocked_target');
    expect(warning?.detail).toMatch(/^refused to connect to 127\.0\.0\.1: loopback address 127\.0\.0\.1/);
  });

  it('refuses a host name that resolves to loopback at send time too', async () => {
    const url = `http://localhost:${new URL(provider.url).port}/sessions/start`;
    const c = await webhookInstallation('SSRF-NAME', url, false);
    expect((await c.authorize('GOOD-1')).idTagInfo.status).toBe('Invalid');
    expect(provider.counts().start).toBe(0);
    expect(t.logs.some((l) => l.reason === 'blocked_target' && /^refused to connect to localhost: loopback address/.test(l.detail))).toBe(true);
  });
});

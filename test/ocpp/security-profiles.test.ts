import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { makeCertificates, servedCertificateSerial } from '../helpers/certs.js';
import { SimCharger } from '../../simulators/charger/charger.js';

const basic = (id: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` });

describe('charger security profiles (OCPP 1.6 security whitepaper)', () => {
  let t: TestGateway;
  let certs: ReturnType<typeof makeCertificates>;
  let wss: string;
  beforeAll(async () => {
    certs = makeCertificates(['SEC-3', 'IMPOSTOR']);
    t = await startTestGateway('sqlite', {
      ocppTlsPort: 0,
      tlsCertFile: certs.file('server.pem'),
      tlsKeyFile: certs.file('server.key'),
      tlsCaFile: certs.file('ca.pem'),
    });
    wss = `wss://127.0.0.1:${t.gw.ocppTlsPort}/ocpp`;
    const inst = await t.api('POST', '/api/installations', { name: 'Secure', securityProfile: 1 });
    for (const id of ['SEC-1', 'SEC-2', 'SEC-3', 'SEC-T']) await t.api('POST', `/api/installations/${inst.body.id}/chargers`, { id });
    expect((await t.api('PUT', '/api/chargers/SEC-2/security-profile', { securityProfile: 2 })).body.securityProfile).toBe(2);
    await t.api('PUT', '/api/chargers/SEC-3/security-profile', { securityProfile: 3 });
  });
  afterAll(() => t?.stop());

  const sim = (id: string, opts: Partial<ConstructorParameters<typeof SimCharger>[0]> = {}) => t.charger(id, opts);
  const refused = (c: SimCharger) => c.connect().then(() => 0, (e) => e.statusCode as number);

  it('profile 1: Basic with username = charger id and its password; the password is never logged or shown', async () => {
    expect(await refused(sim('SEC-1'))).toBe(401);
    const set = await t.api('POST', '/api/chargers/SEC-1/password', {});
    expect(set.status).toBe(201);
    const password = set.body.password as string;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await refused(sim('SEC-1', { headers: basic('SEC-1', 'wrong-password-123456') }))).toBe(401);
    expect(await refused(sim('SEC-1', { headers: basic('SEC-2', password) }))).toBe(401);
    const ok = sim('SEC-1', { headers: basic('SEC-1', password) });
    await ok.connect();
    expect((await ok.boot()).status).toBe('Accepted');
    const view = await t.api('GET', '/api/chargers/SEC-1');
    expect(view.body.passwordSetAt).toBeTruthy();
    expect(JSON.stringify(view.body)).not.toContain(password);
    expect(JSON.stringify(t.logs)).not.toContain(password);
    expect(t.logs.some((l) => l.chargerId === 'SEC-1' && l.msg === 'charger failed its security profile' && l.reason === 'wrong password')).toBe(true);
    await ok.close();
  });

  // Whitepaper: AuthorizationKey is 16 to 20 bytes (32 to 40 hex digits), and the password is those bytes.
  it('accepts a charger password of 16 to 20 characters only, naming the field otherwise', async () => {
    for (const password of ['p'.repeat(15), 'p'.repeat(21), 'p'.repeat(40)]) {
      const res = await t.api('POST', '/api/chargers/SEC-1/password', { password });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['password']);
      expect(JSON.stringify(res.body)).not.toContain(password);
    }
    for (const password of ['p'.repeat(16), 'p'.repeat(20)]) expect((await t.api('POST', '/api/chargers/SEC-1/password', { password })).status).toBe(201);
  });

  it('generates a password whose AuthorizationKey a charger accepts: 16 to 20 bytes', async () => {
    const { password } = (await t.api('POST', '/api/chargers/SEC-1/password', { password: 'known-password-0001' })).body;
    const c = sim('SEC-1', { headers: basic('SEC-1', password) });
    await c.connect();
    const generated = await t.api('POST', '/api/chargers/SEC-1/password', {});
    expect(generated.status).toBe(201);
    expect(generated.body.password).toMatch(/^[!-~]{16,20}$/);
    const key = c.receivedCalls.find((x) => x.action === 'ChangeConfiguration' && x.payload.key === 'AuthorizationKey')!.payload.value as string;
    expect(key).toMatch(/^[0-9a-f]{32,40}$/);
    expect(Buffer.from(key, 'hex').toString()).toBe(generated.body.password);
    await c.close();
  });

  it('rotates a connected charger\'s password through AuthorizationKey before storing it', async () => {
    const old = (await t.api('POST', '/api/chargers/SEC-1/password', { password: 'first-password-0001' })).body.password;
    const c = sim('SEC-1', { headers: basic('SEC-1', old) });
    await c.connect();
    const rotated = await t.api('POST', '/api/chargers/SEC-1/password', { password: 'second-password-002' });
    expect(rotated.status).toBe(201);
    const call = c.receivedCalls.find((x) => x.action === 'ChangeConfiguration' && x.payload.key === 'AuthorizationKey');
    expect(Buffer.from(call!.payload.value, 'hex').toString()).toBe('second-password-002');
    await c.close();
    expect(await refused(sim('SEC-1', { headers: basic('SEC-1', old) }))).toBe(401);
    const again = sim('SEC-1', { headers: basic('SEC-1', 'second-password-002') });
    await again.connect();
    // A charger that refuses the new key keeps the old password.
    again.onCall('ChangeConfiguration', () => ({ status: 'Rejected' }));
    expect((await t.api('POST', '/api/chargers/SEC-1/password', { password: 'third-password-0003' })).status).toBe(502);
    await again.close();
    const still = sim('SEC-1', { headers: basic('SEC-1', 'second-password-002') });
    await still.connect();
    await still.close();
  });

  it('profile 2: the same credentials are refused over ws and accepted over wss (TLS 1.2+)', async () => {
    const { password } = (await t.api('POST', '/api/chargers/SEC-2/password', {})).body;
    expect(await refused(sim('SEC-2', { headers: basic('SEC-2', password) }))).toBe(401);
    const c = sim('SEC-2', { url: wss, headers: basic('SEC-2', password), tls: { ca: certs.ca } });
    await c.connect();
    expect((await c.heartbeat()).currentTime).toBeTruthy();
    await c.close();
  });

  it('profile 3: a client certificate from the CA whose CN is the charger id', async () => {
    expect(await refused(sim('SEC-3', { url: wss, tls: { ca: certs.ca } }))).toBe(401);
    expect(await refused(sim('SEC-3', { url: wss, tls: { ca: certs.ca, ...certs.client('IMPOSTOR') } }))).toBe(401);
    const c = sim('SEC-3', { url: wss, tls: { ca: certs.ca, ...certs.client('SEC-3') } });
    await c.connect();
    expect((await c.boot()).status).toBe('Accepted');
    await c.close();
  });

  it('profile 3: refuses a certificate with the right CN from another CA', async () => {
    // TLS lets it through (rejectUnauthorized: false, for a readable 401): only the handshake check stands guard.
    const otherCa = makeCertificates(['SEC-3']);
    expect(await refused(sim('SEC-3', { url: wss, tls: { ca: certs.ca, ...otherCa.client('SEC-3') } }))).toBe(401);
    expect(await refused(sim('SEC-3', { url: wss, tls: { ca: certs.ca, ...otherCa.selfSigned('SEC-3') } }))).toBe(401);
    const reasons = t.logs.filter((l) => l.chargerId === 'SEC-3' && l.msg === 'charger failed its security profile').map((l) => l.reason);
    expect(reasons.filter((r) => r === 'no client certificate signed by the configured CA').length).toBeGreaterThanOrEqual(3);
  });

  it('throttles repeated failures from one charger id', async () => {
    await t.api('POST', '/api/chargers/SEC-T/password', { password: 'throttle-pass-00001' });
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push(await refused(sim('SEC-T', { headers: basic('SEC-T', `wrong-guess-${i}-xxxxxx`) })));
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
    // Even the right password waits out the window.
    expect(await refused(sim('SEC-T', { headers: basic('SEC-T', 'throttle-pass-00001') }))).toBe(429);
  });

  it('reloads the TLS certificate without a restart', async () => {
    const serial = () => servedCertificateSerial(t.gw.ocppTlsPort!, certs.ca);
    const before = await serial();
    certs.reissueServer();
    t.gw.reloadTls();
    expect(await serial()).not.toBe(before);
  });
});

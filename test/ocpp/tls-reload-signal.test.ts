import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { makeCertificates, servedCertificateSerial } from '../helpers/certs.js';
import { SimCharger } from '../../simulators/charger/charger.js';

/** The real process: SIGHUP makes new wss connections see the certificate now on disk. */
describe('SIGHUP reloads the TLS certificate', () => {
  let db: TestDatabase;
  let gw: GatewayProcess | undefined;
  let certs: ReturnType<typeof makeCertificates>;
  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    certs = makeCertificates([]);
    const store = await openTestStore(db);
    const inst = await store.installations.create({ name: 'sighup' });
    await store.chargers.create(inst.id, 'HUP-1');
    await store.close();
  });
  afterAll(async () => {
    await gw?.kill();
    await db?.drop();
  });

  it('serves the replaced certificate to the next wss connection, and keeps serving on a bad one', { timeout: 60_000 }, async () => {
    gw = await spawnGateway({
      DATA_DIR: db.dataDir,
      ADMIN_TOKEN: 'sighup-admin-token-0123',
      OCPP_TLS_PORT: '0',
      TLS_CERT_FILE: certs.file('server.pem'),
      TLS_KEY_FILE: certs.file('server.key'),
    });
    const tlsPort = gw.lines.find((l) => l.msg === 'gateway started')!.ocppTlsPort as number;
    const servedSerial = () => servedCertificateSerial(tlsPort, certs.ca);
    /** A charger over wss, trusting only the test CA, still gets through. */
    const chargerConnects = async () => {
      const c = new SimCharger({ url: `wss://127.0.0.1:${tlsPort}/ocpp`, id: 'HUP-1', callTimeoutMs: 5000, tls: { ca: certs.ca } });
      await c.connect();
      expect((await c.heartbeat()).currentTime).toBeTruthy();
      await c.close();
    };
    const before = await servedSerial();
    certs.reissueServer();
    gw.child.kill('SIGHUP');
    await expect.poll(() => gw!.lines.some((l) => l.msg === 'TLS certificate reloaded')).toBe(true);
    const after = await servedSerial();
    expect(after).not.toBe(before);
    await chargerConnects();

    // A broken file is refused and the certificate in use stays.
    writeFileSync(certs.file('server.pem'), 'not a certificate');
    gw.child.kill('SIGHUP');
    await expect.poll(() => gw!.lines.some((l) => l.msg === 'TLS certificate reload failed; keeping the current one')).toBe(true);
    expect(await servedSerial()).toBe(after);
    await chargerConnects();
  });
});

import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { startTestGateway } from '../helpers/gateway.js';

/** The status line a raw WebSocket upgrade to `path` gets (or why none came). */
function upgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.setTimeout(5000, () => socket.destroy());
    const done = () => resolve(got.split('\r\n')[0] || 'closed without an answer');
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) socket.destroy();
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n`,
    );
  });
}

describe('a charger id that is not valid percent-encoding', () => {
  let db: TestDatabase;
  let gw: GatewayProcess;
  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    gw = await spawnGateway({ DATA_DIR: db.dataDir, ADMIN_TOKEN: 'hostile-admin-token-0123', LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await gw?.kill();
    await db?.drop();
  });

  it.each(['/ocpp/%', '/ocpp/%E0%A4%A', '/ocpp/RT-1%ZZ', '/ocpp/%C0%AF'])('answers %s with 400 and the process goes on', async (path) => {
    expect(await upgrade(gw.ocppPort, path)).toMatch(/^HTTP\/1\.1 400 /);
    expect(gw.child.exitCode).toBeNull();
    const health = await fetch(`http://127.0.0.1:${gw.httpPort}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('acceptUnknownChargers applies the API id rules at the handshake', () => {
  it.each([
    ['1,000 characters', 'A'.repeat(1000)],
    ['a newline', 'BAD%0AID'],
    ['NUL', 'BAD%00ID'],
    ['a space', 'BAD%20ID'],
    ['a slash', 'BAD%2FID'],
  ])('refuses an id with %s with 400 and registers nothing', async (_what, encoded) => {
    const t = await startTestGateway('sqlite', { acceptUnknownChargers: true });
    try {
      expect(await upgrade(t.gw.ocppPort, `/ocpp/${encoded}`)).toMatch(/^HTTP\/1\.1 400 /);
      expect(await t.gw.store.chargers.get(decodeURIComponent(encoded))).toBeUndefined();
      const installations = await t.api('GET', '/api/installations');
      // Nothing was registered, so not even the default installation was made for it.
      for (const inst of installations.body.items ?? installations.body) {
        const chargers = await t.api('GET', `/api/installations/${inst.id}/chargers`);
        expect(chargers.body.items ?? chargers.body).toEqual([]);
      }
      // A well-formed unknown id is still registered.
      expect(await upgrade(t.gw.ocppPort, '/ocpp/GOOD-1')).toMatch(/^HTTP\/1\.1 101 /);
    } finally {
      await t.stop();
    }
  });
});

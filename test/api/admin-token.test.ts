// Without ADMIN_TOKEN, the first start generates the API admin token, stores only its hash and
// prints it once; a later start on the same data prints nothing and the token keeps working.
// The same goes for the password of the first portal admin user without ADMIN_PASSWORD. Both are
// stored only once the gateway listens: a first start that fails (a busy port) loses nothing.
// ADMIN_TOKEN set later revokes the generated token, and the start says so.

import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/store/apiTokens.js';
import { freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';

const PRINTED = /Generated API admin token \(shown once, stored hashed\):\s*\n\s*(\S+)/;
const PRINTED_PASSWORD = /portal admin user admin@localhost; generated password \(shown once, stored hashed\):\s*\n\s*(\S+)/;

/** Stops the process and waits until everything it wrote to stderr has been read. */
async function stopAndDrain(gw: GatewayProcess): Promise<string> {
  const drained = gw.child.stderr!.closed ? Promise.resolve() : new Promise((r) => gw.child.stderr!.once('close', r));
  await gw.kill('SIGTERM');
  await drained;
  return gw.stderr.join('\n');
}

/** A fresh SQLite data dir per describe, and the gateway process a test leaves running, stopped after it. */
function sqliteFixture(): { tdb: TestDatabase; running?: GatewayProcess } {
  const f = {} as { tdb: TestDatabase; running?: GatewayProcess };
  beforeAll(async () => {
    f.tdb = await freshDatabase('sqlite');
  });
  afterAll(async () => {
    await f.running?.kill();
    await f.tdb?.drop();
  });
  return f;
}

describe('generated admin token', { timeout: 60_000 }, () => {
  const f = sqliteFixture();
  const get = (gw: GatewayProcess, token: string) =>
    fetch(`http://127.0.0.1:${gw.httpPort}/api/installations`, { headers: { authorization: `Bearer ${token}` } });

  it('is printed once on a fresh data dir, works as Bearer, and is stored only as a hash', async () => {
    f.running = await spawnGateway({ DATA_DIR: f.tdb.dataDir, LOG_LEVEL: 'info' });
    const first = f.running;
    await expect.poll(() => PRINTED.test(first.stderr.join('\n'))).toBe(true);
    const token = PRINTED.exec(first.stderr.join('\n'))![1];

    expect((await get(first, token)).status).toBe(200);
    expect((await get(first, `${token}x`)).status).toBe(401);
    // Printed outside the log stream: no log line carries it.
    expect(JSON.stringify(first.lines)).not.toContain(token);

    // So is the password of the first portal admin user.
    await expect.poll(() => PRINTED_PASSWORD.test(first.stderr.join('\n'))).toBe(true);
    const password = PRINTED_PASSWORD.exec(first.stderr.join('\n'))![1];
    const login = (gw: GatewayProcess) =>
      fetch(`http://127.0.0.1:${gw.httpPort}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@localhost', password }),
      });
    const signedIn = await login(first);
    expect(signedIn.status).toBe(200);
    expect((await signedIn.json()).user).toMatchObject({ email: 'admin@localhost', admin: true });
    expect(JSON.stringify(first.lines)).not.toContain(password);
    await stopAndDrain(first);
    f.running = undefined;

    const store = await openTestStore(f.tdb);
    try {
      const rows = await store.db.selectFrom('api_tokens').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(hashToken(token));
      expect(JSON.stringify(rows)).not.toContain(token);
    } finally {
      await store.close();
    }

    // A second start on the same data generates and prints nothing; the first token still works.
    f.running = await spawnGateway({ DATA_DIR: f.tdb.dataDir, LOG_LEVEL: 'info' });
    const second = f.running;
    expect((await get(second, token)).status).toBe(200);
    expect((await login(second)).status).toBe(200);
    const printed = await stopAndDrain(second);
    expect(printed).not.toMatch(/Generated API admin token/);
    expect(printed).not.toMatch(/generated password/);
    f.running = undefined;
    const again = await openTestStore(f.tdb);
    try {
      expect(await again.apiTokens.count()).toBe(1);
    } finally {
      await again.close();
    }

    // ADMIN_TOKEN chosen later: it works, the generated one stops working, and the start says so.
    const chosen = 'chosen-admin-token-0123456789';
    f.running = await spawnGateway({ DATA_DIR: f.tdb.dataDir, LOG_LEVEL: 'info', ADMIN_TOKEN: chosen });
    const third = f.running;
    expect((await get(third, chosen)).status).toBe(200);
    expect((await get(third, token)).status).toBe(401);
    expect(third.lines.map((l) => l.msg)).toContain('ADMIN_TOKEN is set: the admin token generated on the first start is revoked and no longer works');
    await stopAndDrain(third);
    f.running = undefined;
  });
});

/** Holds a TCP port on 127.0.0.1 until closed. */
async function occupyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('a first start that fails', { timeout: 60_000 }, () => {
  const f = sqliteFixture();

  it('stores no credentials, so the next good start generates and prints them', async () => {
    const busy = await occupyPort();
    try {
      await expect(spawnGateway({ DATA_DIR: f.tdb.dataDir, LOG_LEVEL: 'info', HTTP_PORT: String(busy.port) })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      busy.server.close();
    }
    const store = await openTestStore(f.tdb);
    try {
      expect(await store.apiTokens.count()).toBe(0);
      expect(await store.users.count()).toBe(0);
    } finally {
      await store.close();
    }

    f.running = await spawnGateway({ DATA_DIR: f.tdb.dataDir, LOG_LEVEL: 'info' });
    const gw = f.running;
    await expect.poll(() => PRINTED.test(gw.stderr.join('\n')) && PRINTED_PASSWORD.test(gw.stderr.join('\n'))).toBe(true);
    const token = PRINTED.exec(gw.stderr.join('\n'))![1];
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/installations`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    // The way back when it is lost anyway is named where it is printed.
    expect(gw.stderr.join('\n')).toContain('npm run admin -- reset-password admin@localhost');

    // A stop ends the log with a line saying so.
    const closed = new Promise((r) => gw.child.stdout!.once('close', r));
    expect(await gw.kill('SIGTERM')).toBe(0);
    await closed;
    f.running = undefined;
    expect(gw.lines.at(-1)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM', exitCode: 0 });
  });
});

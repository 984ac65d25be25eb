import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalRoutes } from '../../src/api/portal.js';
import { startApi, type TestApi } from '../api/gateway.js';

/** The static part of the gateway's HTTP server, on a real socket, with a stand-in build. */
async function serve(dir: string | null): Promise<{ url: string; server: Server }> {
  const app = express();
  app.get('/api/thing', (_req, res) => void res.json({ ok: true }));
  app.use(portalRoutes(dir));
  app.use((_req, res) => void res.status(404).json({ error: 'NOT_FOUND' }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('portal files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-'));
  let built: { url: string; server: Server };
  let missing: { url: string; server: Server };

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    built = await serve(dir);
    missing = await serve(null);
  });
  afterAll(() => {
    built.server.close();
    missing.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers any page path with index.html, revalidated each time', async () => {
    for (const path of ['/', '/installations/abc/chargers']) {
      const res = await fetch(`${built.url}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await res.text()).toContain('id="app"');
    }
  });

  it('caches hashed assets for a year and answers a stale one 404, not the page', async () => {
    const res = await fetch(`${built.url}/assets/index-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${built.url}/assets/index-old999.js`)).status).toBe(404);
  });

  it('leaves /api to the API', async () => {
    expect(await (await fetch(`${built.url}/api/thing`)).json()).toEqual({ ok: true });
    const unknown = await fetch(`${built.url}/api/nope`, { headers: { accept: 'text/html' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/json');
  });

  it('says to run the build when there is no build', async () => {
    const res = await fetch(`${missing.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
    expect((await fetch(`${missing.url}/api/thing`)).status).toBe(200);
  });
});

describe('portal files in a folder under a dot-folder', () => {
  // ~/.local/share/…, or a checkout inside a hidden folder: Express's file sender refuses dot-folders in an absolute path.
  const root = mkdtempSync(join(tmpdir(), 'portal-'));
  const dir = join(root, '.hidden', 'portal');
  let api: TestApi;

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="hidden-app"></div>');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, 'assets', 'index-def456.js'), 'console.log(2)');
    api = await startApi('sqlite', { portalDir: dir });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html for the root and a deep link, and the files beside it', async () => {
    for (const path of ['/', '/installations/abc']) {
      const res = await fetch(`${api.base}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('id="hidden-app"');
    }
    for (const path of ['/favicon.svg', '/assets/index-def456.js']) expect((await fetch(`${api.base}${path}`)).status, path).toBe(200);
  });
});

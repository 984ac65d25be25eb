// The OpenAPI document as tools read it: Redocly's linter (the library of @redocly/cli, with the
// repository's redocly.yaml) finds no errors, every operation has an operationId, a summary and
// examples, and /api/docs renders it in a browser from files the gateway serves itself.

import { loadConfig, lintFromString } from '@redocly/openapi-core';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApi, type TestApi } from './gateway.js';
import { launchBrowser } from '../portal/browser.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('the OpenAPI document for tools', () => {
  let api: TestApi;
  let doc: any;
  beforeAll(async () => {
    api = await startApi('sqlite');
    doc = (await api.request('GET', '/api/openapi.json', undefined, { authorization: '' })).body;
  });
  afterAll(() => api?.close());

  const operations = () =>
    Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      Object.entries<any>(item).filter(([m]) => HTTP_METHODS.includes(m)).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));

  it('passes redocly lint with no errors (warnings: only health checks without a 4xx)', async () => {
    const config = await loadConfig({ configPath: fileURLToPath(new URL('../../redocly.yaml', import.meta.url)) });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const described = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(described.filter((p) => p.startsWith('error'))).toEqual([]);
    expect(described.filter((p) => !/^warn operation-4xx-response #\/paths\/~1(healthz|readyz|api~1openapi\.json)\//.test(p))).toEqual([]);
  });

  it('gives every operation a unique operationId and a summary', () => {
    const ids = operations().map(({ name, op }) => {
      expect(op.summary, name).toEqual(expect.any(String));
      expect(op.operationId, `${name}: add it to src/api/openapiOperations.ts`).toMatch(/^[a-z][A-Za-z0-9]+$/);
      return op.operationId;
    });
    expect(ids.length).toBeGreaterThanOrEqual(56);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has an example for every JSON request and response body, and a server', () => {
    for (const { name, op } of operations()) {
      const bodies = [op.requestBody, ...Object.values<any>(op.responses)].map((b) => b?.content?.['application/json']).filter(Boolean);
      for (const media of bodies) expect(media.example ?? media.examples, name).toBeDefined();
    }
    expect(doc.servers).toEqual([{ url: '/', description: 'This gateway' }]);
    // Realistic, not placeholders: an installation reads like one.
    expect(doc.paths['/api/installations'].post.responses['201'].content['application/json'].example).toMatchObject({ name: 'Depot North', authMode: 'webhook', authentication: { authPayload: '••••••••' } });
  });
});

describe('GET /api/docs', () => {
  let api: TestApi;
  let browser: Browser;
  beforeAll(async () => {
    api = await startApi('sqlite');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('renders every operation from the gateway’s own files, without signing in and without any other host', async () => {
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(api.base) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    const res = await page.goto(`${api.base}/api/docs`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(56);
    expect(await page.locator('.opblock-summary-description', { hasText: 'Create an installation' }).count()).toBe(1);
    expect(elsewhere).toEqual([]);
    await page.close();
  });

  it('answers a missing file with a 404, not the portal', async () => {
    expect((await fetch(`${api.base}/api/docs/no-such-file.js`)).status).toBe(404);
  });
});

// The served OpenAPI document describes exactly the routes the routers register.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/api/deps.js';
import { registeredRoutes } from '../../src/api/routes/index.js';
import { startApi, type TestApi } from './gateway.js';

// Building a router only reads deps when a request arrives.
const routes = registeredRoutes({ store: {} } as unknown as ApiDeps);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every `$ref` in the document, to check none dangles. */
function refs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refs);
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
  }
  return [];
}

describe('OpenAPI document', () => {
  let api: TestApi;
  let doc: any;
  beforeAll(async () => {
    api = await startApi('sqlite');
    const res = await api.request('GET', '/api/openapi.json', undefined, { authorization: '' });
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('is OpenAPI 3.1 with a bearer token or a portal session required by default', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.components.securitySchemes.cookieAuth).toEqual(expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'gw_session' }));
    expect(doc.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
  });

  it('documents every registered route with its responses', () => {
    expect(routes.length).toBeGreaterThanOrEqual(16);
    for (const { method, path } of routes) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(1);
      expect(operation.responses['401'], `${method} ${path}`).toBeDefined();
    }
  });

  it('documents no /api operation that is not served', () => {
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith('/api/') || path === '/api/openapi.json') continue;
      for (const method of Object.keys(item).filter((k) => HTTP_METHODS.includes(k))) {
        expect(served.has(`${method} ${path}`), `${method.toUpperCase()} ${path}`).toBe(true);
      }
    }
  });

  it('declares every path parameter and resolves every $ref', () => {
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const method of Object.keys(item).filter((k) => HTTP_METHODS.includes(k))) {
        const declared = [...(item.parameters ?? []), ...(item[method].parameters ?? [])]
          .filter((p: any) => p.in === 'path')
          .map((p: any) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual([...names].sort());
      }
    }
    for (const ref of refs(doc)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
  });

  it('describes request bodies and query parameters as the routes validate them', () => {
    const create = doc.paths['/api/installations'].post.requestBody.content['application/json'].schema;
    expect(create).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect(create.properties.name).toMatchObject({ minLength: 1, maxLength: 200 });
    const idTag = doc.paths['/api/installations/{id}/id-tags'].post.requestBody.content['application/json'].schema;
    expect(idTag.properties.idTag).toMatchObject({ maxLength: 36 });
    expect(idTag.properties.parentIdTag).toMatchObject({ anyOf: expect.arrayContaining([expect.objectContaining({ maxLength: 20 })]) });
    expect(idTag.properties.status.enum).toEqual(['Accepted', 'Blocked', 'Expired']);
    const query = doc.paths['/api/transactions'].get.parameters.map((p: any) => p.name);
    expect(query.sort()).toEqual(['active', 'chargerId', 'from', 'idTag', 'installationId', 'limit', 'offset', 'to']);
    expect(doc.components.schemas.Error.properties.error.enum).toContain('VALIDATION_FAILED');
    expect(doc.components.schemas.ResetRequest.properties.type.enum).toEqual(['Hard', 'Soft']);
  });
});

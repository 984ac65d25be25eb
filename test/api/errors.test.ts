// Authentication and the error body every failure shares: `{ error: CODE, message, details? }`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../src/api/errors.js';
import { startApi, type TestApi } from './gateway.js';

describe('API errors', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi('sqlite');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 401 without a token, with a wrong one, or with another scheme', async () => {
    for (const authorization of ['', 'Bearer wrong-token-1234567890', 'Basic dGVzdDp0ZXN0', 'Bearer']) {
      const res = await api.request('GET', '/api/installations', undefined, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error).toBe('UNAUTHORIZED');
    }
    // Also before a body is looked at, so unauthenticated clients learn nothing about validation.
    const post = await api.request('POST', '/api/installations', { bogus: true }, { authorization: 'Bearer nope' });
    expect(post.status).toBe(401);
  });

  it('serves health checks and the OpenAPI document without a token', async () => {
    for (const path of ['/healthz', '/readyz', '/api/openapi.json']) {
      expect((await api.request('GET', path, undefined, { authorization: '' })).status, path).toBe(200);
    }
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await api.request('POST', '/api/installations', '{"name": "Depot",');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('MALFORMED_JSON');
  });

  it('names the whole body when it is not an object', async () => {
    const res = await api.request('POST', '/api/installations', '["Depot"]');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: '(body)' }] });
  });

  it('names every unknown field, and every bad one, in one answer', async () => {
    const res = await api.request('POST', '/api/installations', { name: '', colour: 'red', size: 3 });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: any) => d.field).sort()).toEqual(['colour', 'name', 'size']);
    expect(res.body.message).toContain('colour');
  });

  it('names a required field that is missing', async () => {
    const res = await api.request('POST', '/api/installations');
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'name', message: 'is required' }]);
  });

  it('answers 415 for a body that is not JSON by content type, and 413 above 1 MB', async () => {
    const form = await api.request('POST', '/api/installations', 'name=Depot', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.error).toBe('UNSUPPORTED_MEDIA_TYPE');

    const big = await api.request('POST', '/api/installations', { name: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 404 NOT_FOUND for an unknown API route', async () => {
    const res = await api.request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('NOT_FOUND');
  });

  it('uses one body shape with a registered code for every failure', async () => {
    const failures = await Promise.all([
      api.request('GET', '/api/installations', undefined, { authorization: '' }),
      api.request('POST', '/api/installations', {}),
      api.request('GET', '/api/chargers/none'),
      api.request('GET', '/api/transactions?limit=0'),
    ]);
    for (const res of failures) {
      expect(Object.keys(API_ERRORS)).toContain(res.body.error);
      expect(res.status).toBe(API_ERRORS[res.body.error as keyof typeof API_ERRORS].status);
      expect(typeof res.body.message).toBe('string');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });
});

// The provider simulator over real loopback sockets, as the gateway will see it.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startProvider, type Provider } from '../../simulators/provider/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const USER = 'gateway';
const PASS = 'secret-pass';

let provider: Provider;

beforeAll(async () => {
  provider = await startProvider();
});

afterAll(async () => {
  await provider.close();
});

afterEach(() => {
  provider.clearFaults();
  provider.setRules({});
});

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function requestToken(p: Provider, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<Response> {
  return fetch(p.tokenUrl, { method: 'POST', headers: { 'content-type': contentType }, body: new URLSearchParams(fields).toString() });
}

async function bearer(p: Provider): Promise<string> {
  const res = await requestToken(p, { grant_type: 'password', username: USER, password: PASS });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string };
  return `Bearer ${body.access_token}`;
}

function post(url: string, body: unknown, authorization?: string, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
}

async function startFor(idTag: string): Promise<any> {
  const res = await post(provider.startUrl, { idTag, chargerId: 'CP-1', connectorId: 1 }, basic(USER, PASS));
  expect(res.status).toBe(200);
  return res.json();
}

describe('token endpoint', () => {
  it('grants a bearer token for a known user and records every form field', async () => {
    const fields = { grant_type: 'password', username: USER, password: PASS, scope: 'sessions', client_id: 'gw-1' };
    const res = await requestToken(provider, fields);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect(body.access_token).toMatch(/^[\w-]{20,}$/);
    expect(provider.received.tokens.at(-1)).toMatchObject({ body: fields, contentType: 'application/x-www-form-urlencoded' });
  });

  it('issues a different token each time', async () => {
    expect(await bearer(provider)).not.toBe(await bearer(provider));
  });

  it('refuses wrong credentials with invalid_grant and still records them', async () => {
    const before = provider.received.tokens.length;
    const res = await requestToken(provider, { grant_type: 'password', username: USER, password: 'nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant' });
    expect(provider.received.tokens.length).toBe(before + 1);
    expect(provider.received.tokens.at(-1)!.body.password).toBe('nope');
  });

  it('refuses other grant types with unsupported_grant_type', async () => {
    const res = await requestToken(provider, { grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type' });
  });

  it('refuses a body that is not a form with 415', async () => {
    const res = await fetch(provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: USER, password: PASS }),
    });
    expect(res.status).toBe(415);
    expect(provider.received.tokens.at(-1)).toMatchObject({ body: {}, contentType: 'application/json' });
  });
});

describe('webhook authentication', () => {
  it('accepts an issued bearer token, then refuses it after revokeTokens()', async () => {
    const auth = await bearer(provider);
    expect((await post(provider.startUrl, { idTag: 'ANY' }, auth)).status).toBe(200);
    provider.revokeTokens();
    const before = provider.received.starts.length;
    const res = await post(provider.startUrl, { idTag: 'ANY' }, auth);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized' });
    expect(provider.received.starts.length).toBe(before + 1);
    expect(provider.received.starts.at(-1)!.headers.authorization).toBe(auth);
  });

  it('refuses a bearer token once it has expired', async () => {
    const shortLived = await startProvider({ tokenTtlSec: 1 });
    try {
      const auth = await bearer(shortLived);
      expect((await post(shortLived.endUrl, { id: 'e-1' }, auth)).status).toBe(200);
      await sleep(1100);
      expect((await post(shortLived.endUrl, { id: 'e-1' }, auth)).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });

  it('refuses a token it never issued', async () => {
    expect((await post(provider.startUrl, { idTag: 'ANY' }, 'Bearer made-up')).status).toBe(401);
  });

  it('accepts Basic credentials of a known user and refuses others', async () => {
    expect((await post(provider.endUrl, { id: 'b-1' }, basic(USER, PASS))).status).toBe(200);
    expect((await post(provider.endUrl, { id: 'b-2' }, basic(USER, 'wrong'))).status).toBe(401);
    expect((await post(provider.endUrl, { id: 'b-3' }, basic('stranger', PASS))).status).toBe(401);
    expect((await post(provider.endUrl, { id: 'b-4' })).status).toBe(401);
  });

  it('accepts the users it was configured with, and only those', async () => {
    const custom = await startProvider({ users: { op: 'p:with:colons' } });
    try {
      expect((await post(custom.endUrl, { id: 'c-1' }, basic('op', 'p:with:colons'))).status).toBe(200);
      expect((await post(custom.endUrl, { id: 'c-2' }, basic(USER, PASS))).status).toBe(401);
      expect((await requestToken(custom, { grant_type: 'password', username: 'op', password: 'p:with:colons' })).status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});

describe('session-start decisions', () => {
  it('refuses as Invalid by default', async () => {
    expect(await startFor('UNKNOWN')).toEqual({ allowed: false, status: 'Invalid' });
  });

  it('allows listed tags case-insensitively, with a session id and the expiry date', async () => {
    provider.setRules({ allow: ['Tag1'], expiryDate: '2030-01-01T00:00:00.000Z' });
    const first = await startFor('TAG1');
    const second = await startFor('tag1');
    expect(first).toMatchObject({ allowed: true, expiryDate: '2030-01-01T00:00:00.000Z' });
    expect(first.sessionId).toMatch(/^ps-\d+$/);
    expect(second.sessionId).not.toBe(first.sessionId);
  });

  it('refuses denied tags with their status and reason, even when also allowed', async () => {
    provider.setRules({ allow: ['BAD1'], deny: [{ idTag: 'bad1', status: 'Blocked', reason: 'stolen card' }, { idTag: 'OLD', status: 'Expired' }] });
    expect(await startFor('BAD1')).toEqual({ allowed: false, status: 'Blocked', reason: 'stolen card' });
    expect(await startFor('OLD')).toEqual({ allowed: false, status: 'Expired' });
  });

  it('applies patterns in order after allow/deny, first match wins', async () => {
    provider.setRules({
      allow: ['FLEET-9'],
      patterns: [
        { regex: '^fleet-', allowed: false, status: 'Blocked' },
        { regex: '^FLEET-|^VIP', allowed: true },
      ],
    });
    expect(await startFor('FLEET-1')).toEqual({ allowed: false, status: 'Blocked' });
    expect(await startFor('FLEET-9')).toMatchObject({ allowed: true });
    expect(await startFor('VIP-7')).toMatchObject({ allowed: true });
    expect(await startFor('OTHER')).toEqual({ allowed: false, status: 'Invalid' });
  });

  it('allows unmatched tags when defaultAllowed is set', async () => {
    provider.setRules({ defaultAllowed: true, deny: [{ idTag: 'X', status: 'ConcurrentTx' }] });
    expect(await startFor('ANYONE')).toMatchObject({ allowed: true });
    expect(await startFor('X')).toEqual({ allowed: false, status: 'ConcurrentTx' });
  });

  it('rejects a start without an idTag', async () => {
    expect((await post(provider.startUrl, { chargerId: 'CP-1' }, basic(USER, PASS))).status).toBe(400);
  });

  it('rejects a bad regex when the rules are set, not when a request arrives', () => {
    expect(() => provider.setRules({ patterns: [{ regex: '(', allowed: true }] })).toThrow(SyntaxError);
  });
});

describe('session end', () => {
  it('answers ok and records each delivery, so duplicates are visible', async () => {
    const event = { id: 'evt-dup', transactionId: 7, idTag: 'TAG1', energyWh: 1200 };
    for (let i = 0; i < 2; i++) {
      const res = await post(provider.endUrl, event, basic(USER, PASS));
      expect(await res.json()).toEqual({ ok: true });
    }
    expect(provider.received.ends.filter((e) => e.body.id === 'evt-dup')).toHaveLength(2);
    expect(provider.received.ends.at(-1)!.body).toEqual(event);
  });
});

describe('routing', () => {
  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await fetch(`${provider.url}/nope`, { method: 'POST' })).status).toBe(404);
    const res = await fetch(provider.startUrl);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('keeps connections alive', async () => {
    const res = await post(provider.endUrl, { id: 'ka' }, basic(USER, PASS));
    expect(res.headers.get('connection')).toBe('keep-alive');
  });
});

describe('faults', () => {
  it('latency answers normally, late', async () => {
    provider.injectFault({ path: 'start', fault: { mode: 'latency', ms: 150 } });
    const t0 = performance.now();
    const reply = await startFor('SLOW');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(reply).toEqual({ allowed: false, status: 'Invalid' });
  });

  it('status replaces the answer, with the given body and headers', async () => {
    provider.injectFault({ path: 'token', fault: { mode: 'status', status: 503, body: 'down for maintenance', headers: { 'Retry-After': '2' } } });
    const res = await requestToken(provider, { grant_type: 'password', username: USER, password: PASS });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('down for maintenance');
  });

  it('status can redirect', async () => {
    provider.injectFault({ path: 'end', fault: { mode: 'status', status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } } });
    const res = await fetch(provider.endUrl, { method: 'POST', body: '{}', redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere');
  });

  it('status 200 with a JSON body of the wrong shape', async () => {
    provider.injectFault({ path: 'start', fault: { mode: 'status', status: 200, body: '{"ok":1}' } });
    const res = await post(provider.startUrl, { idTag: 'X' }, basic(USER, PASS));
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: 1 });
  });

  it('malformed answers 200 with a body that is not JSON', async () => {
    provider.injectFault({ path: 'start', fault: { mode: 'malformed' } });
    const res = await post(provider.startUrl, { idTag: 'X' }, basic(USER, PASS));
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('close destroys the socket without an answer', async () => {
    provider.injectFault({ path: 'end', fault: { mode: 'close' } });
    const err = await post(provider.endUrl, { id: 'lost' }, basic(USER, PASS)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(String((err as any).cause?.code ?? (err as any).cause)).toMatch(/ECONNRESET|UND_ERR_SOCKET|socket/i);
  });

  it('hang never answers, and close() still finishes quickly', async () => {
    const p = await startProvider();
    p.injectFault({ path: 'start', fault: { mode: 'hang' } });
    const aborted = post(p.startUrl, { idTag: 'X' }, basic(USER, PASS), AbortSignal.timeout(200)).catch((e: Error) => e);
    const stillHanging = post(p.startUrl, { idTag: 'Y' }, basic(USER, PASS)).catch((e: Error) => e);
    expect(((await aborted) as Error).name).toBe('TimeoutError');
    await sleep(50);
    expect(p.counts().start).toBe(2);
    const t0 = performance.now();
    await p.close();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await stillHanging).toBeInstanceOf(TypeError);
  });

  it('times counts down, then normal answers resume; counts() includes faulted requests', async () => {
    const before = provider.counts();
    const startsBefore = provider.received.starts.length;
    provider.injectFault({ path: '*', fault: { mode: 'status', status: 500 }, times: 2 });
    expect((await post(provider.startUrl, { idTag: 'A' }, basic(USER, PASS))).status).toBe(500);
    expect((await post(provider.endUrl, { id: 'n' }, basic(USER, PASS))).status).toBe(500);
    expect((await post(provider.startUrl, { idTag: 'A' }, basic(USER, PASS))).status).toBe(200);
    const after = provider.counts();
    expect(after.start - before.start).toBe(2);
    expect(after.end - before.end).toBe(1);
    expect(provider.received.starts.length - startsBefore).toBe(1);
  });

  it('applies only to its own path, until cleared', async () => {
    provider.injectFault({ path: 'end', fault: { mode: 'status', status: 429 } });
    expect((await post(provider.startUrl, { idTag: 'A' }, basic(USER, PASS))).status).toBe(200);
    expect((await post(provider.endUrl, { id: 'r1' }, basic(USER, PASS))).status).toBe(429);
    expect((await post(provider.endUrl, { id: 'r2' }, basic(USER, PASS))).status).toBe(429);
    provider.clearFaults();
    expect((await post(provider.endUrl, { id: 'r3' }, basic(USER, PASS))).status).toBe(200);
  });

  it('records faulted requests apart from normal ones, with the body each carried', async () => {
    const faultedBefore = provider.received.faulted.length;
    const endsBefore = provider.received.ends.length;
    provider.injectFault({ path: 'end', fault: { mode: 'status', status: 500 }, times: 1 });
    provider.injectFault({ path: 'end', fault: { mode: 'close' }, times: 1 });
    expect((await post(provider.endUrl, { id: 'same-id', n: 1 }, basic(USER, PASS))).status).toBe(500);
    await expect(post(provider.endUrl, { id: 'same-id', n: 2 }, basic(USER, PASS))).rejects.toThrow(TypeError);
    expect((await post(provider.endUrl, { id: 'same-id', n: 3 }, basic(USER, PASS))).status).toBe(200);
    const faulted = provider.received.faulted.slice(faultedBefore);
    expect(faulted.map((f) => [f.path, f.fault, f.body])).toEqual([
      ['end', 'status', { id: 'same-id', n: 1 }],
      ['end', 'close', { id: 'same-id', n: 2 }],
    ]);
    expect(provider.received.ends.slice(endsBefore).map((e) => e.body)).toEqual([{ id: 'same-id', n: 3 }]);
  });

  it('rejects a times that is not a positive integer', () => {
    expect(() => provider.injectFault({ path: 'start', fault: { mode: 'hang' }, times: 0 })).toThrow(RangeError);
  });
});

describe('load', () => {
  // The gateway pools connections to providers: the simulator must keep them alive.
  it('answers in sequence on one kept-alive socket', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = JSON.stringify({ idTag: 'LOAD' });
    const headers = { 'content-type': 'application/json', authorization: basic(USER, PASS) };
    const send = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = request(provider.startUrl, { method: 'POST', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(req.reusedSocket));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const reused: boolean[] = [];
      for (let i = 0; i < 50; i++) reused.push(await send());
      expect(reused.slice(1).every(Boolean)).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});

describe('cli', () => {
  function spawnCli(...flags: string[]) {
    return spawn(process.execPath, ['--import', 'tsx', 'simulators/provider/cli.ts', ...flags], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('applies --pattern rules and --fault injections given on the command line', async () => {
    const child = spawnCli('--port', '0', '--pattern', '^VIP-:allow', '--pattern', '^BAD-[0-9]+$:Blocked', '--fault', 'start:status:503:1', '--fault', 'end:close');
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const url = /on (http:\S+)/.exec((await lines.next()).value as string)![1];
      const start = (idTag: string) => post(`${url}/sessions/start`, { idTag }, basic(USER, PASS));
      expect((await start('VIP-1')).status).toBe(503);
      expect(await (await start('vip-2')).json()).toMatchObject({ allowed: true });
      expect(await (await start('BAD-7')).json()).toEqual({ allowed: false, status: 'Blocked' });
      expect(await (await start('OTHER')).json()).toEqual({ allowed: false, status: 'Invalid' });
      await expect(post(`${url}/sessions/end`, { id: 'e-1' }, basic(USER, PASS))).rejects.toThrow(TypeError);
      await expect(post(`${url}/sessions/end`, { id: 'e-2' }, basic(USER, PASS))).rejects.toThrow(TypeError);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('documents --pattern and --fault in --help', async () => {
    const child = spawnCli('--help');
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toContain('--pattern <regex:allow|regex:status>');
    expect(out).toContain('--fault <path:mode[:arg][:times]>');
    for (const mode of ['status:<code>', 'latency:<ms>', 'hang', 'close', 'malformed']) expect(out).toContain(mode);
  });

  it.each([['--fault', 'start:explode'], ['--fault', 'nowhere:hang'], ['--fault', 'start:status:abc'], ['--fault', 'end:hang:0'], ['--pattern', '^X-:Maybe'], ['--pattern', '(:allow']])(
    'exits 2 on %s %s',
    async (flag, value) => {
      const child = spawnCli('--port', '0', flag, value);
      let err = '';
      child.stderr!.on('data', (chunk) => (err += chunk));
      const [code] = await once(child, 'exit');
      expect(code).toBe(2);
      expect(err).toContain(flag);
    },
  );
});

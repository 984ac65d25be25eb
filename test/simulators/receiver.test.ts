// The event receiver over real loopback sockets, as the gateway's webhook sink will see it.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  signHmac,
  signStandardWebhooks,
  startReceiver,
  verifyToken,
  type Receiver,
  type ReceiverOptions,
} from '../../simulators/receiver/index.js';

const SECRET = 'hook-secret-1';
const WHSEC = `whsec_${randomBytes(24).toString('base64')}`;
const root = fileURLToPath(new URL('../..', import.meta.url));

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver({ secret: SECRET, scheme: 'hmac-sha256' });
});

afterAll(async () => {
  await receiver.close();
});

afterEach(() => {
  receiver.clearFaults();
  receiver.setSecret(SECRET);
});

/** A gateway envelope as the dispatcher sends it. */
function envelope(type = 'session.started') {
  return {
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    version: '1',
    installationId: 'inst-1',
    chargerId: 'CP-1',
    data: { idTag: 'TAG1', connectorId: 1 },
  };
}

function eventHeaders(event: ReturnType<typeof envelope>): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-event': event.type,
    'x-version': event.version,
    'x-event-id': event.id,
    'x-subscription-id': 'sub-1',
  };
}

function postHmac(url: string, event = envelope(), opts: { secret?: string; body?: string; extra?: Record<string, string>; signal?: AbortSignal } = {}) {
  const raw = JSON.stringify(event);
  const headers = { ...eventHeaders(event), 'x-signature': signHmac(opts.secret ?? SECRET, raw), ...opts.extra };
  return fetch(url, { method: 'POST', headers, body: opts.body ?? raw, signal: opts.signal });
}

function postStandard(url: string, event: ReturnType<typeof envelope>, signature: (raw: string, ts: number) => string, ts = Math.floor(Date.now() / 1000)) {
  const raw = JSON.stringify(event);
  const headers = { ...eventHeaders(event), 'webhook-id': event.id, 'webhook-timestamp': String(ts), 'webhook-signature': signature(raw, ts) };
  return fetch(url, { method: 'POST', headers, body: raw });
}

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

async function withReceiver(opts: ReceiverOptions, run: (r: Receiver) => Promise<void>): Promise<void> {
  const r = await startReceiver(opts);
  try {
    await run(r);
  } finally {
    await r.close();
  }
}

describe('hmac-sha256', () => {
  it('records a correctly signed delivery as verified, with its headers and parsed body', async () => {
    const event = envelope();
    const res = await postHmac(receiver.url, event);
    expect(res.status).toBe(200);
    const delivery = receiver.deliveries.at(-1)!;
    expect(delivery).toMatchObject({ path: '/hooks', body: event, rawBody: JSON.stringify(event), verified: true });
    expect(delivery.headers['x-event']).toBe('session.started');
    expect(delivery.headers['x-event-id']).toBe(event.id);
    expect(delivery.headers['x-subscription-id']).toBe('sub-1');
  });

  it('refuses a tampered body with 401 and keeps it in rejected, not deliveries', async () => {
    const event = envelope();
    const before = receiver.deliveries.length;
    const tampered = JSON.stringify({ ...event, data: { idTag: 'OTHER' } });
    const res = await postHmac(receiver.url, event, { body: tampered });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_signature' });
    expect(receiver.deliveries.length).toBe(before);
    expect(receiver.rejected.at(-1)).toMatchObject({ rawBody: tampered, verified: false });
  });

  it('refuses a signature made with another secret, and a missing one', async () => {
    expect((await postHmac(receiver.url, envelope(), { secret: 'other' })).status).toBe(401);
    const event = envelope();
    const res = await fetch(receiver.url, { method: 'POST', headers: eventHeaders(event), body: JSON.stringify(event) });
    expect(res.status).toBe(401);
  });

  it('verifies with the new secret after setSecret', async () => {
    receiver.setSecret('rotated');
    expect((await postHmac(receiver.url, envelope())).status).toBe(401);
    expect((await postHmac(receiver.url, envelope(), { secret: 'rotated' })).status).toBe(200);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    const res = await fetch(receiver.url, { method: 'POST', headers: { 'x-signature': signHmac(SECRET, 'not json') }, body: 'not json' });
    expect(res.status).toBe(400);
    expect(receiver.rejected.at(-1)).toMatchObject({ body: 'not json', verified: true });
  });
});

describe('standard-webhooks', () => {
  let sw: Receiver;
  beforeAll(async () => {
    sw = await startReceiver({ secret: WHSEC, scheme: 'standard-webhooks' });
  });
  afterAll(() => sw.close());

  it('accepts a valid signature and records it verified', async () => {
    const event = envelope('session.ended');
    const res = await postStandard(sw.url, event, (raw, ts) => signStandardWebhooks(WHSEC, event.id, ts, raw));
    expect(res.status).toBe(200);
    expect(sw.deliveries.at(-1)).toMatchObject({ body: event, verified: true });
    expect(sw.deliveries.at(-1)!.headers['webhook-id']).toBe(event.id);
  });

  it('accepts when any of several space-separated signatures matches', async () => {
    const old = `whsec_${randomBytes(24).toString('base64')}`;
    const event = envelope();
    const res = await postStandard(sw.url, event, (raw, ts) => `${signStandardWebhooks(old, event.id, ts, raw)} ${signStandardWebhooks(WHSEC, event.id, ts, raw)}`);
    expect(res.status).toBe(200);
  });

  it('tells which accepted secrets signed, while a rotation overlaps: both, one, or none', async () => {
    const old = `whsec_${randomBytes(24).toString('base64')}`;
    sw.acceptSecrets([WHSEC, old]);
    try {
      const both = envelope();
      await postStandard(sw.url, both, (raw, ts) => `${signStandardWebhooks(WHSEC, both.id, ts, raw)} ${signStandardWebhooks(old, both.id, ts, raw)}`);
      expect(sw.deliveries.at(-1)).toMatchObject({ body: both, verified: true, signedWith: [WHSEC, old] });
      const oldOnly = envelope();
      await postStandard(sw.url, oldOnly, (raw, ts) => signStandardWebhooks(old, oldOnly.id, ts, raw));
      expect(sw.deliveries.at(-1)).toMatchObject({ body: oldOnly, verified: true, signedWith: [old] });
      const neither = envelope();
      const wrong = `whsec_${randomBytes(24).toString('base64')}`;
      expect((await postStandard(sw.url, neither, (raw, ts) => signStandardWebhooks(wrong, neither.id, ts, raw))).status).toBe(401);
      expect(sw.rejected.at(-1)).toMatchObject({ verified: false, signedWith: [] });
    } finally {
      sw.setSecret(WHSEC);
    }
  });

  it('refuses a signature made with the wrong key', async () => {
    const wrong = `whsec_${randomBytes(24).toString('base64')}`;
    const event = envelope();
    const res = await postStandard(sw.url, event, (raw, ts) => signStandardWebhooks(wrong, event.id, ts, raw));
    expect(res.status).toBe(401);
    expect(sw.rejected.at(-1)!.body.id).toBe(event.id);
  });

  it('refuses timestamps more than five minutes old or ahead, even when correctly signed', async () => {
    // Offsets well past the 300 s tolerance: a slow machine can spend seconds between here and the check.
    const now = () => Math.floor(Date.now() / 1000);
    for (const offset of [-360, 360]) {
      const ts = now() + offset;
      const event = envelope();
      const res = await postStandard(sw.url, event, (raw, t) => signStandardWebhooks(WHSEC, event.id, t, raw), ts);
      expect(res.status).toBe(401);
    }
    const event = envelope();
    const res = await postStandard(sw.url, event, (raw, t) => signStandardWebhooks(WHSEC, event.id, t, raw), now() - 240);
    expect(res.status).toBe(200);
  });

  it('refuses a signature over another webhook-id', async () => {
    const event = envelope();
    const res = await postStandard(sw.url, event, (raw, ts) => signStandardWebhooks(WHSEC, 'other-id', ts, raw));
    expect(res.status).toBe(401);
  });
});

describe('scheme none', () => {
  it('accepts unsigned deliveries and marks them unverified', async () => {
    await withReceiver({ secret: SECRET, scheme: 'none' }, async (r) => {
      const event = envelope();
      const res = await fetch(r.url, { method: 'POST', headers: eventHeaders(event), body: JSON.stringify(event) });
      expect(res.status).toBe(200);
      expect(r.deliveries).toHaveLength(1);
      expect(r.deliveries[0].verified).toBe(false);
    });
  });
});

describe('ownership challenge', () => {
  it('answers with x-verify-token = hex HMAC of the challenge and records the challenge', async () => {
    const challenge = randomBytes(16).toString('hex');
    const res = await fetch(`${receiver.url}?challenge=${challenge}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-verify-token')).toBe(verifyToken(SECRET, challenge));
    expect(receiver.challenges.at(-1)).toBe(challenge);
  });

  it('answers with the current secret after setSecret', async () => {
    receiver.setSecret('rotated');
    const res = await fetch(`${receiver.url}?challenge=abc`);
    expect(res.headers.get('x-verify-token')).toBe(verifyToken('rotated', 'abc'));
  });

  it('answers 200 without the token when answerChallenge is false', async () => {
    await withReceiver({ secret: SECRET, scheme: 'hmac-sha256', answerChallenge: false }, async (r) => {
      const res = await fetch(`${r.url}?challenge=abc`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-verify-token')).toBeNull();
      expect(await res.text()).not.toContain('abc');
      expect(r.challenges).toEqual(['abc']);
    });
  });

  it('answers 400 to a GET without a challenge', async () => {
    expect((await fetch(receiver.url)).status).toBe(400);
  });
});

describe('basic auth', () => {
  const auth = { username: 'billing', password: 'b1ll-pass' };

  it('refuses deliveries without the right credentials, and answers challenges without any', async () => {
    await withReceiver({ secret: SECRET, scheme: 'hmac-sha256', basicAuth: auth }, async (r) => {
      const none = await postHmac(r.url);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect((await postHmac(r.url, envelope(), { extra: { authorization: basic('billing', 'wrong') } })).status).toBe(401);
      expect(r.rejected).toHaveLength(2);

      expect((await postHmac(r.url, envelope(), { extra: { authorization: basic('billing', 'b1ll-pass') } })).status).toBe(200);
      const challenge = await fetch(`${r.url}?challenge=x`);
      expect(challenge.headers.get('x-verify-token')).toBe(verifyToken(SECRET, 'x'));
      expect(r.deliveries).toHaveLength(1);
    });
  });
});

describe('paths', () => {
  it('accepts any path under the base and records it', async () => {
    const event = envelope('charger.status');
    expect((await postHmac(`${receiver.url}/charger.status`, event)).status).toBe(200);
    expect(receiver.deliveries.at(-1)).toMatchObject({ path: '/hooks/charger.status', body: { id: event.id } });
  });

  it('answers 404 outside the base path and 405 to other methods', async () => {
    const origin = new URL(receiver.url).origin;
    expect((await postHmac(`${origin}/other`)).status).toBe(404);
    expect((await postHmac(`${origin}/hooksX`)).status).toBe(404);
    const put = await fetch(receiver.url, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });
});

describe('faults', () => {
  it('a 500 fault with times refuses that many attempts, then deliveries go through', async () => {
    const before = { attempts: receiver.attempts(), deliveries: receiver.deliveries.length };
    receiver.injectFault({ fault: { mode: 'status', status: 500 }, times: 2 });
    const event = envelope();
    expect((await postHmac(receiver.url, event)).status).toBe(500);
    expect((await postHmac(receiver.url, event)).status).toBe(500);
    expect((await postHmac(receiver.url, event)).status).toBe(200);
    expect(receiver.attempts() - before.attempts).toBe(3);
    expect(receiver.deliveries.length - before.deliveries).toBe(1);
  });

  it('records every request with its headers and the fault it met, refused ones included', async () => {
    const from = receiver.requests.length;
    receiver.injectFault({ fault: { mode: 'status', status: 503 }, times: 1 });
    const event = envelope();
    expect((await postHmac(receiver.url, event)).status).toBe(503);
    expect((await postHmac(`${receiver.url}/x`, event)).status).toBe(200);
    const got = receiver.requests.slice(from);
    expect(got.map((r) => [r.method, r.path, r.fault, r.headers['x-event-id']])).toEqual([
      ['POST', '/hooks', 'status', event.id],
      ['POST', '/hooks/x', null, event.id],
    ]);
    expect(got[1].at).toBeGreaterThanOrEqual(got[0].at);
  });

  it('410 Gone is answered as injected', async () => {
    receiver.injectFault({ fault: { mode: 'status', status: 410 }, times: 1 });
    const res = await postHmac(receiver.url);
    expect(res.status).toBe(410);
  });

  it('503 carries the injected Retry-After header', async () => {
    receiver.injectFault({ fault: { mode: 'status', status: 503, headers: { 'Retry-After': '7' } }, times: 1 });
    const res = await postHmac(receiver.url);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('faults apply to challenges too', async () => {
    receiver.injectFault({ fault: { mode: 'status', status: 500 }, times: 1 });
    const res = await fetch(`${receiver.url}?challenge=y`);
    expect(res.status).toBe(500);
    expect(res.headers.get('x-verify-token')).toBeNull();
  });

  it('close destroys the socket without an answer', async () => {
    receiver.injectFault({ fault: { mode: 'close' }, times: 1 });
    await expect(postHmac(receiver.url)).rejects.toThrow();
  });

  it('malformed answers 200 with a non-JSON body and still records the delivery', async () => {
    receiver.injectFault({ fault: { mode: 'malformed' }, times: 1 });
    const event = envelope();
    const res = await postHmac(receiver.url, event);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('not json');
    expect(receiver.deliveries.at(-1)!.body.id).toBe(event.id);
  });

  it('latency delays the answer', async () => {
    receiver.injectFault({ fault: { mode: 'latency', ms: 150 }, times: 1 });
    const started = Date.now();
    expect((await postHmac(receiver.url)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hang never answers until the client gives up, and close() still finishes quickly', async () => {
    const r = await startReceiver({ secret: SECRET, scheme: 'hmac-sha256' });
    r.injectFault({ fault: { mode: 'hang' } });
    const aborted = await postHmac(r.url, envelope(), { signal: AbortSignal.timeout(200) }).catch((e: Error) => e);
    expect((aborted as Error).name).toBe('TimeoutError');
    const pending = postHmac(r.url).catch((e: Error) => e); // left hanging for close() to end
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await r.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    expect(r.deliveries).toHaveLength(0);
  });

  it('rejects a times that is not a positive integer', () => {
    expect(() => receiver.injectFault({ fault: { mode: 'hang' }, times: 0 })).toThrow(RangeError);
  });
});

describe('waitFor', () => {
  it('resolves once enough deliveries arrived, with a snapshot of them', async () => {
    await withReceiver({ secret: SECRET, scheme: 'hmac-sha256' }, async (r) => {
      const waiting = r.waitFor(2, 2000);
      setTimeout(() => void postHmac(r.url).then(() => postHmac(r.url)), 20);
      const got = await waiting;
      expect(got).toHaveLength(2);
      expect(await r.waitFor(1)).toHaveLength(2);
    });
  });

  it('does not count rejected deliveries, and says so when it times out', async () => {
    await withReceiver({ secret: SECRET, scheme: 'hmac-sha256' }, async (r) => {
      await postHmac(r.url, envelope(), { secret: 'wrong' });
      await expect(r.waitFor(1, 100)).rejects.toThrow('0 deliveries, 1 rejected after 100 ms');
    });
  });

  it('rejects pending waits on close', async () => {
    const r = await startReceiver({ secret: SECRET, scheme: 'none' });
    const waiting = r.waitFor(1, 5000);
    await r.close();
    await expect(waiting).rejects.toThrow('receiver closed');
  });
});

describe('cli', () => {
  it('prints one line per delivery with type, id and verified', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/receiver/cli.ts', '--port', '0', '--secret', SECRET], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const banner = (await lines.next()).value as string;
      const url = /on (http:\S+)/.exec(banner)![1];
      const event = envelope('session.ended');
      expect((await postHmac(url, event)).status).toBe(200);
      const line = (await lines.next()).value as string;
      expect(line).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} 200 session\\.ended ${event.id} verified$`));
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('exits 2 on a bad flag', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/receiver/cli.ts', '--secret', 's', '--scheme', 'rot13'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });
});

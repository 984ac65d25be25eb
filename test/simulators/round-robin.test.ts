import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server } from 'node:net';
import { startRoundRobin, type RoundRobin } from '../helpers/roundRobin.js';

/** A backend that answers every connection with its name and closes. */
async function namedServer(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let text = '';
    s.on('data', (d) => (text += d));
    s.on('close', () => resolve(text));
    s.on('error', reject);
  });
}

describe('the test round-robin', () => {
  const servers: Server[] = [];
  let rr: RoundRobin | undefined;
  afterEach(async () => {
    await rr?.close();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('sends each new connection to the next backend, skips one that refuses, and leaves a dropped one out', async () => {
    const backends = await Promise.all(['a', 'b', 'c'].map(namedServer));
    servers.push(...backends.map((b) => b.server));
    rr = await startRoundRobin(backends.map((b) => ({ port: b.port })));
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await ask(rr.port));
    expect(answers).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);

    await new Promise((r) => backends[1].server.close(r)); // b now refuses connections
    servers.splice(1, 1);
    const afterRefusal: string[] = [];
    for (let i = 0; i < 4; i++) afterRefusal.push(await ask(rr.port));
    expect(afterRefusal).not.toContain('b');
    expect(afterRefusal.filter((a) => a !== '')).toHaveLength(4);

    rr.drop(backends[2].port);
    const afterDrop: string[] = [];
    for (let i = 0; i < 3; i++) afterDrop.push(await ask(rr.port));
    expect(afterDrop).toEqual(['a', 'a', 'a']);
    expect(rr.unrouted()).toBe(0);
  });
});

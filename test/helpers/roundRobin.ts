// A TCP round-robin in front of several gateway nodes, as the simplest load balancer an operator
// might run: each new connection goes to the next backend in turn, a backend that refuses the
// connection is skipped, and nothing is sticky. Bytes are piped untouched, so WebSocket upgrades
// and HTTP alike pass through.

import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Backend {
  host?: string;
  port: number;
}

export interface RoundRobin {
  port: number;
  /** `ws://127.0.0.1:<port><path>` */
  url(path: string, scheme?: string): string;
  /** Connections forwarded so far, per backend port. */
  forwarded(): Record<number, number>;
  /** Connections refused by the client side because every backend refused. */
  unrouted(): number;
  /** Takes a backend out of the rotation; `closeOpen` also cuts the connections it carries. */
  drop(port: number, closeOpen?: boolean): void;
  close(): Promise<void>;
}

interface Route {
  backend: Required<Backend>;
  open: Set<Socket>;
  forwarded: number;
}

export async function startRoundRobin(backends: Backend[], host = '127.0.0.1'): Promise<RoundRobin> {
  const routes: Route[] = backends.map((b) => ({ backend: { host: b.host ?? '127.0.0.1', port: b.port }, open: new Set(), forwarded: 0 }));
  const clients = new Set<Socket>();
  let next = 0;
  let unrouted = 0;

  /** Tries each backend once, starting at the next in turn; resolves with the first that accepts. */
  const pick = async (): Promise<{ route: Route; upstream: Socket } | undefined> => {
    const candidates = routes.slice();
    const start = next++ % Math.max(1, candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      const route = candidates[(start + i) % candidates.length];
      if (!routes.includes(route)) continue; // dropped meanwhile
      const upstream = await dial(route.backend);
      if (upstream) return { route, upstream };
    }
    return undefined;
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    clients.add(client);
    client.once('close', () => clients.delete(client));
    client.on('error', () => client.destroy());
    void pick().then((picked) => {
      if (!picked || client.destroyed) {
        if (!picked) unrouted++;
        picked?.upstream.destroy();
        return client.destroy();
      }
      const { route, upstream } = picked;
      route.forwarded++;
      route.open.add(upstream);
      // Either side going away ends the other: a dead node must look dead to its chargers.
      const end = () => {
        route.open.delete(upstream);
        upstream.destroy();
        client.destroy();
      };
      upstream.on('error', end).on('close', end);
      client.on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: (path, scheme = 'ws') => `${scheme}://${host}:${port}${path}`,
    forwarded: () => Object.fromEntries(routes.map((r) => [r.backend.port, r.forwarded])),
    unrouted: () => unrouted,
    drop(backendPort, closeOpen = false) {
      const i = routes.findIndex((r) => r.backend.port === backendPort);
      if (i < 0) return;
      const [route] = routes.splice(i, 1);
      if (closeOpen) for (const s of route.open) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of clients) s.destroy();
        for (const r of routes) for (const s of r.open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A connected socket to the backend, or undefined when it refuses (or does not answer within 2 s). */
function dial(backend: Required<Backend>): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: backend.host, port: backend.port });
    const timer = setTimeout(() => fail(), 2_000);
    const fail = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

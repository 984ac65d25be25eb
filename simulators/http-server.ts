// How the provider and the event receiver serve HTTP: listen, cancellable delays for injected
// latency, a 500 for a bug in a handler, and a close() that does not wait for hanging requests.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './provider/http.js';

// Longer than the gateway's pool idle time, so the pool, not the server, ends idle sockets
// and a request is never written onto a socket the server is closing.
const KEEP_ALIVE_MS = 30_000;

export type Delay = (ms: number) => Promise<void>;
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface SimulatorServerOptions {
  port: number;
  host: string;
  /** Built with a delay that close() cancels, so no answer is scheduled onto a destroyed socket. */
  handler: (delay: Delay) => Handler;
  /** Runs first when the server closes. */
  onClose?: () => void;
}

export interface SimulatorServer {
  /** `http://address:port`, the address in brackets for IPv6. */
  origin: string;
  /** The same promise however often it is called. */
  close(): Promise<void>;
}

export async function listenSimulator(opts: SimulatorServerOptions): Promise<SimulatorServer> {
  const timers = new Set<NodeJS.Timeout>();
  const delay: Delay = (ms) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = opts.handler(delay);
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the simulator (or in an onReceived hook) must show up as a 500, not kill the test run or the benchmark.
      if (!res.headersSent) sendJson(res, 500, { error: 'simulator_error', message: String(err) });
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  let closing: Promise<void> | undefined;

  return {
    origin,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        opts.onClose?.();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Hanging requests and pooled keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      })),
  };
}

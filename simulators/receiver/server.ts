// The event receiver's lifecycle: state, listen, close. Started in-process by
// tests, or by the CLI.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultTable } from '../provider/faults.js';
import { BASE_PATH, createRouter } from './router.js';
import type { ReceivedDelivery, ReceivedRequest, Receiver, ReceiverOptions, SignatureScheme } from './types.js';
import { createWaiters } from './waiters.js';

export const RECEIVER_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  answerChallenge: true,
  // Generous: the first delivery after a subscription waits for the delivery thread to start,
  // which takes seconds on a loaded machine (the charger's reply no longer does).
  waitForMs: 15_000,
};

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = ['none', 'hmac-sha256', 'standard-webhooks'];

// Longer than the gateway's pool idle time, so the pool, not the server, ends idle sockets
// and a request is never written onto a socket the server is closing.
const KEEP_ALIVE_MS = 30_000;

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  if (!SIGNATURE_SCHEMES.includes(opts.scheme)) throw new RangeError(`scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}, got ${opts.scheme}`);
  let secret = opts.secret;
  let attempts = 0;
  const requests: ReceivedRequest[] = [];
  const deliveries: ReceivedDelivery[] = [];
  const rejected: ReceivedDelivery[] = [];
  const challenges: string[] = [];
  const faults = new FaultTable();
  const waiters = createWaiters(deliveries, rejected);
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const router = createRouter({
    scheme: opts.scheme,
    basicAuth: opts.basicAuth,
    answerChallenge: opts.answerChallenge ?? RECEIVER_DEFAULTS.answerChallenge,
    secret: () => secret,
    faults,
    delay,
    onAttempt: (request) => {
      attempts++;
      requests.push(request);
    },
    onChallenge: (challenge) => void challenges.push(challenge),
    onDelivery: (delivery, status) => {
      (status < 300 ? deliveries : rejected).push(delivery);
      if (status < 300) waiters.check();
      opts.onReceived?.(delivery, status);
    },
  });
  const server = createServer(router);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? RECEIVER_DEFAULTS.port, opts.host ?? RECEIVER_DEFAULTS.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  let closing: Promise<void> | undefined;

  return {
    url: `${origin}${BASE_PATH}`,
    deliveries,
    rejected,
    challenges,
    attempts: () => attempts,
    requests,
    injectFault: (rule) => faults.add({ path: '*', ...rule }),
    clearFaults: () => faults.clear(),
    setSecret: (next) => {
      secret = next;
    },
    waitFor: (count, timeoutMs = RECEIVER_DEFAULTS.waitForMs) => waiters.wait(count, timeoutMs),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        waiters.close();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Hanging requests and pooled keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      })),
  };
}

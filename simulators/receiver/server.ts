// The event receiver's lifecycle: state, listen, close. Started in-process by
// tests, or by the CLI.

import { listenSimulator } from '../http-server.js';
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

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  if (!SIGNATURE_SCHEMES.includes(opts.scheme)) throw new RangeError(`scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}, got ${opts.scheme}`);
  let secrets = [opts.secret];
  let attempts = 0;
  const requests: ReceivedRequest[] = [];
  const deliveries: ReceivedDelivery[] = [];
  const rejected: ReceivedDelivery[] = [];
  const challenges: string[] = [];
  const faults = new FaultTable();
  const waiters = createWaiters(deliveries, rejected);
  const server = await listenSimulator({
    port: opts.port ?? RECEIVER_DEFAULTS.port,
    host: opts.host ?? RECEIVER_DEFAULTS.host,
    handler: (delay) =>
      createRouter({
        scheme: opts.scheme,
        basicAuth: opts.basicAuth,
        answerChallenge: opts.answerChallenge ?? RECEIVER_DEFAULTS.answerChallenge,
        secrets: () => secrets,
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
      }),
    onClose: () => waiters.close(),
  });

  return {
    url: `${server.origin}${BASE_PATH}`,
    deliveries,
    rejected,
    challenges,
    attempts: () => attempts,
    requests,
    injectFault: (rule) => faults.add({ path: '*', ...rule }),
    clearFaults: () => faults.clear(),
    setSecret: (next) => {
      secrets = [next];
    },
    acceptSecrets: (next) => {
      if (next.length === 0) throw new RangeError('acceptSecrets needs at least one secret');
      secrets = [...next];
    },
    waitFor: (count, timeoutMs = RECEIVER_DEFAULTS.waitForMs) => waiters.wait(count, timeoutMs),
    close: server.close,
  };
}

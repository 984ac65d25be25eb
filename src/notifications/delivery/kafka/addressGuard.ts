import { channel } from 'node:diagnostics_channel';
import { isIP, type Socket } from 'node:net';
import type { AddressPolicy } from '../../../http/addressPolicy.js';

/**
 * @platformatic/kafka opens its own sockets, to the bootstrap brokers and to every broker the
 * cluster advertises, and takes no connector or `lookup` for plaintext ones. What it does offer
 * is a diagnostics channel that announces each connection right after creating its socket,
 * before the socket connects, with the producer's `context`. There the outbound policy is
 * applied to the address actually connected to: a literal address at once (net defers the
 * connect to the next tick), a name on the socket's `lookup` event (net checks, after it, that
 * the socket was not destroyed before connecting). A refused socket is destroyed before a byte
 * is sent, and the producer fails with the reason like for any unreachable broker.
 * test/security/kafka-address-guard.test.ts fails if a client update changes this.
 */
const CONNECT_TRACED = 'tracing:plt:kafka:connections:connects:end';

/** Producer `context` carrying the policy its connections must pass. */
export interface GuardedContext {
  addressPolicy: AddressPolicy;
}

interface ConnectTrace {
  host: string;
  connection: { socket?: Socket; context?: unknown };
}

export class BlockedBrokerError extends Error {
  readonly code = 'BLOCKED_TARGET';
}

const checked = new WeakSet<Socket>();
let installed = false;

/** Subscribes once per thread; connections of producers without a policy in their context pass. */
export function installKafkaAddressGuard(): void {
  if (installed) return;
  installed = true;
  channel(CONNECT_TRACED).subscribe((message) => guard(message as ConnectTrace));
}

function guard({ host, connection }: ConnectTrace): void {
  const policy = (connection.context as Partial<GuardedContext> | undefined)?.addressPolicy;
  const socket = connection.socket;
  // The channel also fires for a connect() on a connection already connected or connecting.
  if (!policy || !socket || checked.has(socket)) return;
  checked.add(socket);
  const refuse = (address: string) => {
    const verdict = policy.checkResolved(host, [address]);
    if (!verdict.ok) socket.destroy(new BlockedBrokerError(`refused to connect to Kafka broker ${host}: ${verdict.reason} is not an allowed target`));
  };
  if (isIP(host)) refuse(host);
  else socket.prependListener('lookup', (err: Error | null, address: string) => err || refuse(address));
}

// The event receiver's public shapes, in one place so tests and the CLI agree
// on them without importing the server.

import type { Fault } from '../provider/types.js';

export type { Fault };

/** How the gateway signs a delivery; 'none' accepts every delivery unchecked. */
export type SignatureScheme = 'none' | 'hmac-sha256' | 'standard-webhooks';

export interface ReceiverOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Verifies signatures and answers ownership challenges; `whsec_<base64>` for standard-webhooks. */
  secret: string;
  scheme: SignatureScheme;
  /** When set, every delivery without these credentials gets 401 (challenges come without any). */
  basicAuth?: { username: string; password: string };
  /** Default true; false answers challenges 200 without `x-verify-token`, so ownership is not proven. */
  answerChallenge?: boolean;
  /**
   * Called after each POST the receiver handled, accepted or refused (not for
   * injected status, hang and close faults), so a CLI can print traffic
   * without the simulator logging itself.
   */
  onReceived?: (delivery: ReceivedDelivery, status: number) => void;
}

export interface ReceiverFaultRule {
  fault: Fault;
  /** Requests this rule applies to; unset means until `clearFaults()`. */
  times?: number;
}

export interface ReceivedDelivery {
  /** The request path without the query: `/hooks`, or `/hooks/session.started` when posted per event type. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: any;
  rawBody: string;
  /** The signature matched; always false under scheme 'none', where nothing is checked. */
  verified: boolean;
  /** Which of the receiver's accepted secrets signed it, in the order they were given (a rotation's overlap signs with two). */
  signedWith: string[];
  /** Arrival time, ms since the epoch. */
  at: number;
}

/** Any request that reached the base path, faulted or not: what the gateway tried, before any body check. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The injected fault it met, or null when it was handled normally. */
  fault: Fault['mode'] | null;
  /** Arrival time, ms since the epoch. */
  at: number;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>/hooks`; any path under it is accepted too. */
  url: string;
  /** POSTs answered 2xx: the verified ones, or all well-formed ones under scheme 'none'. */
  deliveries: ReceivedDelivery[];
  /** POSTs refused: 401 for credentials or signature, 400 for a body that is not a JSON object. */
  rejected: ReceivedDelivery[];
  /** The `challenge` values of ownership checks, in arrival order. */
  challenges: string[];
  /** Requests that arrived under the base path, faulted ones included (what a retry test wants). */
  attempts(): number;
  /** Those requests themselves, in arrival order: a retry test reads the headers of attempts a fault refused. Emptying it leaves attempts() as it is. */
  requests: ReceivedRequest[];
  /** Faults apply to challenges as well as deliveries, in injection order. */
  injectFault(rule: ReceiverFaultRule): void;
  clearFaults(): void;
  /** Takes effect for the next request, as a rotated subscription secret would. */
  setSecret(secret: string): void;
  /**
   * Accepts a signature by any of these (a receiver switching over during a rotation's overlap);
   * the first also answers ownership challenges. Takes effect for the next request.
   */
  acceptSecrets(secrets: string[]): void;
  /** Resolves with `deliveries` once it holds `count`; rejects after `timeoutMs` (default 5000) or on close(). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
  /** Stops listening and destroys every socket, hanging requests included. */
  close(): Promise<void>;
}

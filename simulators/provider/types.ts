// The provider simulator's public shapes, in one place so tests, benchmarks
// and the CLI agree on them without importing the server.

import type { IncomingHttpHeaders } from 'node:http';

/** The three operator endpoints the gateway calls; also the unit faults and counts are kept per. */
export type ProviderPath = 'token' | 'start' | 'end';

export type DenyStatus = 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

export interface Rules {
  /** Id tags allowed to charge; compared case-insensitively, as OCPP 1.6 IdTokens are. */
  allow?: string[];
  /** Id tags refused with a given status; a tag listed in both `allow` and `deny` is denied. */
  deny?: { idTag: string; status: DenyStatus; reason?: string }[];
  /** Tried in order after allow/deny, first match wins; compiled case-insensitive. */
  patterns?: { regex: string; allowed: boolean; status?: string }[];
  /** When nothing matched; false (the default) answers `{ allowed: false, status: 'Invalid' }`. */
  defaultAllowed?: boolean;
  /** Added to every allowed reply when set. */
  expiryDate?: string;
  /** Id tags whose acceptance carries `cache: false`: the gateway and chargers must not keep it. */
  noCache?: string[];
}

export interface ProviderOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** username → password, accepted by the token endpoint and by Basic auth; default `{ gateway: 'secret-pass' }`. */
  users?: Record<string, string>;
  /** `expires_in` of issued tokens, in seconds; default 60. */
  tokenTtlSec?: number;
  rules?: Rules;
  /**
   * Called after each request that reached normal handling (not for injected
   * faults), so a CLI can print traffic without the simulator logging itself.
   */
  onReceived?: (event: ReceivedEvent) => void;
}

export type Fault =
  /** Answer normally after `ms`. */
  | { mode: 'latency'; ms: number }
  /** Answer with this status instead; `body` defaults to a small JSON error. */
  | { mode: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Accept the request and never answer, until `close()`. */
  | { mode: 'hang' }
  /** Destroy the socket without a response. */
  | { mode: 'close' }
  /** 200 with a body that is not JSON at all. */
  | { mode: 'malformed' };

export interface FaultRule {
  /** '*' is any of the three endpoints; unknown paths get 404 regardless. */
  path: ProviderPath | '*';
  fault: Fault;
  /** Requests this rule applies to; unset means until `clearFaults()`. */
  times?: number;
}

export interface TokenRequest {
  /** The parsed form body, every field as sent; `{}` when the body was not a form. */
  body: Record<string, string>;
  contentType: string;
  /** Arrival time, ms since the epoch. */
  at: number;
}

export interface WebhookRequest {
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: any;
  headers: IncomingHttpHeaders;
  /** Arrival time, ms since the epoch. */
  at: number;
}

/** A request that got an injected fault instead of normal handling (latency aside: those are answered). */
export interface FaultedRequest extends WebhookRequest {
  path: ProviderPath;
  fault: Fault['mode'];
}

export interface ReceivedEvent {
  path: ProviderPath;
  status: number;
  body: unknown;
  reply: unknown;
  at: number;
}

export interface Provider {
  /** `http://<host>:<port>` */
  url: string;
  tokenUrl: string;
  startUrl: string;
  endUrl: string;
  setRules(rules: Rules): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Every issued token becomes invalid, so the next webhook gets 401. */
  revokeTokens(): void;
  /** Requests that reached normal handling, rejected ones included; faulted ones are kept apart. */
  received: {
    tokens: TokenRequest[];
    starts: WebhookRequest[];
    ends: WebhookRequest[];
    /** Requests answered by a status, malformed, close or hang fault, in arrival order. */
    faulted: FaultedRequest[];
  };
  /** Every request that arrived per path, faulted ones included (what a retry test wants). */
  counts(): Record<ProviderPath, number>;
  /** Stops listening and destroys every socket, hanging requests included. */
  close(): Promise<void>;
}

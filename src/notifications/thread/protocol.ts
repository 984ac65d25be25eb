import type { Envelope } from '../../store/envelope.js';
import type { AttemptCounts } from '../attempts.js';
import type { Cursor } from '../bookkeeping.js';
import type { DeliveryRecord } from '../../store/deliveries.js';

/** Everything the delivery thread needs to open its own store and clients; plain data only. */
export interface ThreadInit {
  databaseUrl?: string;
  dataDir: string;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** base64 keys: the thread reads sealed subscription secrets itself. Never logged. */
  secretKey: string;
  previousSecretKeys: string[];
  outboundAllowList: string[];
  providerMaxSockets: number;
  providerMaxResponseBytes: number;
  nodeId: string;
  retryDelaysMs: number[];
  probeMaxMs: number;
  logLevel: string;
  /** Added to the thread's nice value, so the charger path on the main thread wins the CPU. */
  niceness: number;
  /** Also asks for SCHED_IDLE (Linux, through `chrt`): the thread runs only on CPU nothing else wants. */
  idlePolicy: boolean;
}

export type ToThread =
  | { t: 'published'; envelopes: Envelope[]; reply?: number }
  | { t: 'changed'; subscriptionId: string }
  | { t: 'written'; id: number; error?: string }
  /** Attempts the main thread made (the API's test, redeliver and replay): the thread writes the attempt log. */
  | { t: 'record'; rows: DeliveryRecord[]; reply: number }
  /** Drops attempt rows logged before `before` (ISO time). */
  | { t: 'prune'; before: string; reply: number }
  /** The main thread's event-loop delay over the last window, and the chargers' CALLs a second then (pace.ts). */
  | { t: 'lag'; p99Ms: number; callsPerSec: number }
  | { t: 'stop'; reply: number };

export type FromThread =
  | { t: 'ready' }
  | { t: 'failed'; message: string }
  | { t: 'log'; line: string }
  /** Delivery attempts since the last such message, by outcome (sent at most once a second). */
  | { t: 'attempts'; counts: AttemptCounts }
  | { t: 'done'; reply: number }
  /** Cursors for the main thread to move (SQLite: it is gateway.sqlite's one writer). */
  | { t: 'write'; id: number; cursors: Cursor[] };

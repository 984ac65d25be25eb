import type { ResolvedConfig } from '../../resources.js';
import type { Envelope } from '../../store/envelope.js';
import type { AttemptCounts } from '../attempts.js';
import type { DeliveryRecord } from '../../store/deliveries.js';
import type { Done } from '../port.js';

/**
 * What the delivery thread is started with: the gateway's parsed config, its secret key
 * resolved (it may have come from the key file), so the thread opens its store and clients as
 * the main thread does (src/resources.ts). Plain data only. Never logged.
 */
export interface ThreadInit {
  config: ResolvedConfig;
}

/** Requests carry `reply` (port.ts) when the main thread waits for them to be done. */
export type ToThread = { reply?: number } & (
  | { t: 'published'; envelopes: Envelope[] }
  | { t: 'changed'; subscriptionId: string }
  /** Attempts the main thread made (the API's test, redeliver and replay): the thread writes the attempt log. */
  | { t: 'record'; rows: DeliveryRecord[] }
  /** Drops attempt rows logged before `before` (ISO time). */
  | { t: 'prune'; before: string }
  /** The main thread's event-loop delay over the last window, and the chargers' CALLs a second then (pace.ts). */
  | { t: 'lag'; p99Ms: number; callsPerSec: number }
  | { t: 'stop' }
);

export type FromThread =
  | { t: 'ready' }
  | { t: 'failed'; message: string }
  | { t: 'log'; line: string }
  /** Delivery attempts since the last such message, by outcome (sent at most once a second). */
  | { t: 'attempts'; counts: AttemptCounts }
  | Done;

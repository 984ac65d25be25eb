// The notifications scenario's gateway parts: a gateway child with the bench
// installation and its chargers connected and warmed up, subscriptions posting to
// the receiver child, and the calls every part makes (StatusNotification, a
// liveness check).

import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigOverrides } from '../../../src/config.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';
import { runFleet } from '../../../simulators/charger/fleet.js';
import { statusOf } from '../../../simulators/charger/messages.js';
import { openLoop, type Fire } from '../../lib/load-patterns.js';
import { adminApi, createNativeInstallation, createStatusSubscriptions } from './setup.js';
import type { ReceiverProcess } from './receiver-process.js';
import type { ServerProcess } from '../../lib/server-process.js';
import { startGatewayProcess, type Api } from '../../lib/gateway-process.js';
import { waitUntil } from './delivery-watch.js';

export const ID_TAG = 'NOTIFYTAG';
const ID_PREFIX = 'BENCH-NOTIFY-';
const MAX_CONNECTING = 200;
const CALL_TIMEOUT_MS = 15_000;
/** Not recorded: warms the JIT and the sockets before the first timed phase of a gateway. */
export const WARMUP = { rate: 500, ms: 1_000 };
/** Lets a warm-up's or a previous phase's tail settle before the next phase is timed. */
export const DRAIN_MS = 500;
const STATUSES = ['Preparing', 'Available'];
/** Not in STATUSES, so it is a change, and so is the next phase's first status. */
const WARMUP_STATUS = 'Unavailable';
const FIRST_DELIVERY_WAIT_MS = 30_000;
/** A gateway that does not answer a Heartbeat within this is stuck. */
const ANSWER_DEADLINE_MS = 5_000;

export interface GatewaySetup {
  name: string;
  overrides?: ConfigOverrides;
  callTimeoutMs?: number;
  cpuProfileDir?: string;
  receiver: ReceiverProcess;
  chargers: number;
  log: (line: string) => void;
}

export interface Live {
  gateway: ServerProcess;
  receiver: ReceiverProcess;
  api: Api;
  installationId: string;
  chargers: SimCharger[];
  subscriptions: string[];
  log: (line: string) => void;
}

/** A gateway child with the installation and its chargers connected, for the length of `use`. */
export async function onGateway<T>(setup: GatewaySetup, use: (g: Live) => Promise<T>): Promise<T> {
  const log = (line: string) => setup.log(`notifications, ${setup.name}: ${line}`);
  const gateway = await startGatewayProcess(setup.overrides ?? {}, setup.cpuProfileDir);
  try {
    log(`creating the installation and ${setup.chargers} chargers through the REST API`);
    const api = adminApi(gateway);
    const installationId = await createNativeInstallation(api, { chargers: setup.chargers, idPrefix: ID_PREFIX, idTag: ID_TAG });
    // Connected before any subscription exists, so their boot-time StatusNotifications leave no backlog.
    const fleet = await runFleet({
      url: `ws://127.0.0.1:${gateway.info.ocppPort}/ocpp`,
      count: setup.chargers,
      idPrefix: ID_PREFIX,
      connectRate: Number.MAX_SAFE_INTEGER, // bounded by MAX_CONNECTING instead
      maxConnecting: MAX_CONNECTING,
      callTimeoutMs: setup.callTimeoutMs ?? CALL_TIMEOUT_MS,
    });
    try {
      const chargers = fleet.chargers.filter((c) => c.isOpen);
      if (chargers.length === 0) throw new Error(`no charger connected to the gateway: ${JSON.stringify(fleet.stats.summary().connectionErrors)}`);
      // Nobody has subscribed yet, so this writes no events.
      await openLoop(statusFire(chargers, () => {}), WARMUP.rate, WARMUP.ms);
      await sleep(DRAIN_MS);
      return await use({ gateway, receiver: setup.receiver, api, installationId, chargers, subscriptions: [], log });
    } finally {
      await fleet.close();
    }
  } finally {
    await gateway.stop();
  }
}

export async function subscribe(g: Live, count: number): Promise<void> {
  g.log(`creating ${count} subscription(s) to connector.status_changed`);
  g.subscriptions = await createStatusSubscriptions(g.api, { count, url: g.receiver.url, installationId: g.installationId });
  await deliveringToAll(g, count);
}

/**
 * The first subscription starts the gateway's delivery thread (1–2 s under tsx, loading its
 * modules): one event to every subscriber first, so the timed phases measure deliveries, not
 * that start.
 */
async function deliveringToAll(g: Live, count: number): Promise<void> {
  const base = (await g.receiver.counts()).delivered;
  await g.chargers[0].status(1, WARMUP_STATUS);
  const waited = await waitUntil(async () => (await g.receiver.counts()).delivered - base >= count, 50, FIRST_DELIVERY_WAIT_MS);
  if (waited === null) throw new Error(`the first event did not reach all ${count} subscriptions within ${FIRST_DELIVERY_WAIT_MS} ms`);
}

/** Whether the gateway still answers a Heartbeat: a stuck one answers nothing, not even the API. */
export async function answering(g: Live): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ANSWER_DEADLINE_MS)));
  const reply = g.chargers[0].heartbeat().then(() => true, () => false);
  const answered = await Promise.race([reply, deadline]);
  clearTimeout(timer);
  return answered;
}

/** Charger i % n sends its next status, alternating, so every event is a real change. */
export function statusFire(chargers: SimCharger[], onReply: () => void): Fire {
  const n = chargers.length;
  return (i) =>
    chargers[i % n].status(1, STATUSES[Math.floor(i / n) % STATUSES.length]).then((conf) => {
      onReply();
      return statusOf(conf);
    });
}

export function checkAlive(server: ServerProcess): void {
  const exited = server.exitedEarly();
  if (exited) throw new Error(`${exited}\n${server.output()}`);
}

// Scenario "notifications": how fast the gateway delivers connector.status_changed
// events to webhook subscribers, and what that costs the OCPP path. The gateway
// and the event receiver each run in a child of their own, the chargers in this
// process. Four parts, each on a fresh gateway so no backlog leaks into the next:
// one subscription at two StatusNotification rates; 100 subscriptions (the
// deliveries ceiling); a 100,000-event backlog held while the receiver answers
// 503, then drained; and Authorize latency without and with 100 subscriptions. When the
// ceiling misses the target, a last run profiles the gateway at 100 subscriptions.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimCharger } from '../../../simulators/charger/charger.js';
import { statusOf } from '../../../simulators/charger/messages.js';
import { monotonicUs, savedProfile } from '../../tools/cpu-profile.js';
import { sampler, steadyState, waitUntil } from './delivery-watch.js';
import { openLoop, type Fire } from '../../lib/load-patterns.js';
import { answering, checkAlive, DRAIN_MS, ID_TAG, onGateway, statusFire, subscribe, WARMUP, type GatewaySetup, type Live } from './gateway.js';
import {
  authorizeUnchanged,
  backlogGrows,
  TARGETS,
  type AuthorizePart,
  type AuthorizeRun,
  type DeliveryPhase,
  type DrainPart,
  type NotificationsResult,
} from './report.js';
import { getJson, writeBacklog } from './setup.js';
import { median } from '../../lib/table.js';
import { disturbed } from '../../lib/machine-noise.js';
import { cpuMeter } from '../../lib/proc-cpu.js';
import { startReceiverProcess } from './receiver-process.js';
import { BENCH_DIR } from '../../lib/paths.js';

export interface NotificationsOptions {
  chargers: number;
  quick: boolean;
  log: (line: string) => void;
}

const ONE_SUB_RATES = [1_000, 3_000];
const MANY_SUBS = 100;
const MANY_SUBS_RATES = [100, 500];
/**
 * The backlog is written straight into the event log (writeBacklog): generating 100,000 events
 * by StatusNotification took 74 s at 1,344/s on the 2-CPU bench machine, more than the drain
 * itself, and measured the OCPP path rather than the drain.
 */
const DRAIN_EVENTS = 100_000;
const DRAIN_EVENTS_QUICK = 5_000;
const AUTHORIZE_RATE = 2_000;
/** Rounds of Authorize with the subscriptions off and on, alternating. */
const AUTHORIZE_ROUNDS = 3;
const AUTHORIZE_STATUS_RATE = 100;
/** A second run at a tenth of the events: 1,000 deliveries/s instead of the receiver's ceiling. */
const AUTHORIZE_STATUS_RATE_MODERATE = 10;
/** Before this, the pipeline is still filling: rates count from here to the end of the load. */
const STEADY_FROM_MS = 1_000;
const SAMPLE_EVERY_MS = 250;
/** Waits after a phase for its backlog; the last rate of a part gets a short one, since its gateway goes next. */
const DRAIN_WAIT_MS = 20_000;
const LAST_DRAIN_WAIT_MS = 3_000;
const QUEUED_WAIT_MS = 30_000;
/** 100,000 at the ~1,100/s a single subscription drained before batching is 90 s. */
const BACKLOG_WAIT_MS = 180_000;
/** A queued subscription is probed at least this often, so the drain starts soon after the fault clears. */
const DRAIN_PROBE_MAX_MS = 1_000;
const PROFILE_SAVED = new URL('./results/notifications-gateway.cpuprofile', BENCH_DIR);

export async function runNotificationsScenario(opts: NotificationsOptions): Promise<NotificationsResult> {
  const phaseMs = opts.quick ? 2_000 : 5_000;
  const loadAtStart = loadavg();
  const receiver = await startReceiverProcess();
  try {
    const setup = { receiver, chargers: opts.chargers, log: opts.log };
    const oneSubscription = await onGateway({ ...setup, name: '1 subscription' }, async (g) => {
      // The OCPP path's own cost at the highest rate, before anyone subscribes: nothing is written to the event log.
      const baseline = await ratePhases(g, ONE_SUB_RATES.slice(-1), phaseMs);
      await subscribe(g, 1);
      return [...baseline, ...(await ratePhases(g, ONE_SUB_RATES, phaseMs))];
    });
    const hundredSubscriptions = await onGateway({ ...setup, name: `${MANY_SUBS} subscriptions` }, async (g) => {
      await subscribe(g, MANY_SUBS);
      return ratePhases(g, MANY_SUBS_RATES, phaseMs);
    });
    const events = opts.quick ? DRAIN_EVENTS_QUICK : DRAIN_EVENTS;
    // The backlog is written into the gateway's database from here, so this part chooses its directory.
    const dataDir = mkdtempSync(join(tmpdir(), 'ocpp-bench-drain-'));
    const drain = await onGateway({ ...setup, name: 'drain', overrides: { notificationProbeMaxMs: DRAIN_PROBE_MAX_MS, dataDir } }, (g) =>
      backlogDrain(g, events, dataDir),
    ).finally(() => rmSync(dataDir, { recursive: true, force: true }));
    if (events < DRAIN_EVENTS) drain.reducedFrom = DRAIN_EVENTS;
    const authorize = await onGateway({ ...setup, name: 'authorize' }, (g) => authorizeUnderLoad(g, phaseMs, opts.quick ? 1 : AUTHORIZE_ROUNDS));

    const ceilingPerSec = Math.max(drain.drainPerSec, ...[...oneSubscription, ...hundredSubscriptions].map((p) => p.deliveredPerSec));
    const result: NotificationsResult = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverage: { start: loadAtStart, end: loadavg() },
      chargers: opts.chargers,
      phaseMs,
      oneSubscription,
      hundredSubscriptions,
      drain,
      authorize,
      ceilingPerSec,
    };
    if (ceilingPerSec < TARGETS.deliveriesPerSec) result.profile = await profileGateway(setup, phaseMs);
    return result;
  } finally {
    await receiver.stop();
  }
}

async function ratePhases(g: Live, rates: number[], phaseMs: number): Promise<DeliveryPhase[]> {
  const phases: DeliveryPhase[] = [];
  for (const [k, rate] of rates.entries()) {
    const subs = g.subscriptions.length;
    g.log(`StatusNotification at ${rate}/s for ${phaseMs} ms, ${subs} subscription(s), ${rate * subs} deliveries/s offered`);
    const phase = await deliveryPhase(g, rate, phaseMs, k === rates.length - 1 ? LAST_DRAIN_WAIT_MS : DRAIN_WAIT_MS);
    phases.push(phase);
    checkAlive(g.gateway);
    if (!phase.gatewayAnswering) {
      g.log('the gateway stopped answering; skipping the rest of this part');
      break;
    }
  }
  return phases;
}

async function deliveryPhase(g: Live, rate: number, phaseMs: number, drainWaitMs: number): Promise<DeliveryPhase> {
  const subs = g.subscriptions.length;
  await g.receiver.reset();
  const base = (await g.receiver.counts()).delivered;
  let replies = 0;
  const fire = statusFire(g.chargers, () => void replies++);
  const gatewayCpu = cpuMeter(g.gateway.pid);
  const receiverCpu = cpuMeter(g.receiver.pid);
  const watch = sampler(async () => ({ delivered: (await g.receiver.counts()).delivered - base, offered: replies * subs }), SAMPLE_EVERY_MS);
  const status = await openLoop(fire, rate, phaseMs);
  const samples = await watch.stop();
  const cpu = { gatewayCpuPct: gatewayCpu.pct(), receiverCpuPct: receiverCpu.pct() };
  const steady = steadyState(samples, STEADY_FROM_MS);
  const expected = replies * subs;
  const drainedInMs = await waitUntil(async () => (await g.receiver.counts()).delivered - base >= expected, 100, drainWaitMs);
  const counts = await g.receiver.counts();
  const gatewayAnswering = await answering(g);
  const offeredPerSec = status.perSec * subs;
  return {
    subscriptions: subs,
    statusRate: rate,
    status,
    offeredPerSec,
    ...steady,
    e2eLatencyMs: counts.latencyMs,
    backlogGrows: backlogGrows(steady.backlogGrowthPerSec, offeredPerSec),
    drainedInMs: drainedInMs === null ? null : Math.round(drainedInMs),
    drainWaitMs,
    backlogLeft: Math.max(0, expected - (counts.delivered - base)),
    perSubscription: counts.perSubscription,
    ...cpu,
    rejected: counts.rejected,
    gatewayAnswering,
  };
}

/** Events pile up behind a 503ing receiver; once it answers again, how fast does the backlog go? */
async function backlogDrain(g: Live, events: number, dataDir: string): Promise<DrainPart> {
  await subscribe(g, 1);
  const [subscriptionId] = g.subscriptions;
  await g.receiver.failWith(503);
  await g.receiver.reset();
  const base = (await g.receiver.counts()).delivered;
  g.log(`writing ${events} connector.status_changed events into the event log, the receiver answering 503`);
  const written = await writeBacklog(dataDir, { installationId: g.installationId, chargerIds: g.chargers.map((c) => c.id), events });
  // Written behind the gateway's back, so nothing woke the subscription's worker: one real
  // StatusNotification does, and it finds the backlog ahead of that event.
  await statusFire(g.chargers, () => {})(0);
  const replies = events + 1;
  checkAlive(g.gateway);

  const subscription = () => getJson<{ state: string }>(g.gateway, `/api/subscriptions/${subscriptionId}`);
  const queuedWaitMs = (await waitUntil(async () => (await subscription()).state === 'queued', 100, QUEUED_WAIT_MS)) ?? QUEUED_WAIT_MS;
  const stateBeforeClear = (await subscription()).state;
  g.log(`subscription ${stateBeforeClear}; clearing the fault and waiting for ${replies} deliveries`);

  const gatewayCpu = cpuMeter(g.gateway.pid);
  const receiverCpu = cpuMeter(g.receiver.pid);
  await g.receiver.clearFaults();
  const clearedAt = Date.now();
  const drainedInMs = await waitUntil(async () => (await g.receiver.counts()).delivered - base >= replies, 100, BACKLOG_WAIT_MS);
  const cpu = { gatewayCpuPct: gatewayCpu.pct(), receiverCpuPct: receiverCpu.pct() };
  const counts = await g.receiver.counts();
  const delivered = counts.delivered - base;
  const lastAttempt = (await getJson<{ items: unknown[] }>(g.gateway, `/api/subscriptions/${subscriptionId}/deliveries?limit=1`)).items[0];
  return {
    events: replies,
    chargers: g.chargers.length,
    backlog: { how: 'written into the event log through the store, 2,000 per transaction', ...written },
    probeMaxMs: DRAIN_PROBE_MAX_MS,
    stateBeforeClear,
    queuedWaitMs: Math.round(queuedWaitMs),
    firstDeliveryAfterMs: counts.firstAt ? counts.firstAt - clearedAt : NaN,
    drainedInMs: drainedInMs === null ? null : counts.lastAt - clearedAt,
    delivered,
    drainPerSec: counts.lastAt > counts.firstAt ? Math.round(((delivered - 1) / (counts.lastAt - counts.firstAt)) * 1000) : 0,
    ...cpu,
    lastAttempt,
  };
}

/**
 * Authorize at a fixed rate on half the chargers while the other half send StatusNotification,
 * in rounds that alternate (ABBA) between the 100 subscriptions disabled (no event is even
 * written) and enabled, so both conditions meet the same minutes of the machine's neighbours;
 * then once with the subscriptions enabled at a tenth of the event rate.
 */
async function authorizeUnderLoad(g: Live, phaseMs: number, rounds: number): Promise<AuthorizePart> {
  const half = Math.max(1, Math.floor(g.chargers.length / 2));
  const statusChargers = g.chargers.slice(0, half);
  const authChargers = g.chargers.slice(half);
  if (authChargers.length === 0) throw new Error('the authorize part needs at least 2 chargers');
  const authorize: Fire = (i) => authChargers[i % authChargers.length].authorize(ID_TAG).then(statusOf);
  await openLoop(authorize, WARMUP.rate, WARMUP.ms);
  await subscribe(g, MANY_SUBS);
  const without: AuthorizeRun[] = [];
  const withSubs: AuthorizeRun[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const enabled of round % 2 === 0 ? [false, true] : [true, false]) {
      await setEnabled(g, enabled);
      const subs = enabled ? `${MANY_SUBS} subscriptions` : 'subscriptions disabled';
      g.log(`Authorize at ${AUTHORIZE_RATE}/s for ${phaseMs} ms, StatusNotification at ${AUTHORIZE_STATUS_RATE}/s, ${subs} (round ${round + 1} of ${rounds})`);
      (enabled ? withSubs : without).push(await authorizeRun(g, statusChargers, authorize, phaseMs));
    }
  }
  await setEnabled(g, true);
  // The last round's backlog drains first: otherwise this run would measure that drain, at the ceiling.
  await settled(g);
  g.log(`Authorize at ${AUTHORIZE_RATE}/s for ${phaseMs} ms, StatusNotification at ${AUTHORIZE_STATUS_RATE_MODERATE}/s, ${MANY_SUBS} subscriptions`);
  const moderate = await authorizeRun(g, statusChargers, authorize, phaseMs, AUTHORIZE_STATUS_RATE_MODERATE);
  // Each round's two runs met the same minutes: compare within a round, then take the median round.
  // Rounds in which the machine gave a tenth of the CPU or more to other guests are printed, not judged.
  const judged = withSubs.map((w, k) => [without[k], w] as const).filter(([a, b]) => !disturbed(a, b));
  const ratios = judged.map(([a, b]) => b.latencyMs.p99 / a.latencyMs.p99);
  const unchangedRounds = judged.filter(([a, b]) => authorizeUnchanged(a.latencyMs.p99, b.latencyMs.p99)).length;
  const lastWithout = without[without.length - 1].latencyMs.p99;
  return {
    rate: AUTHORIZE_RATE,
    statusRate: AUTHORIZE_STATUS_RATE,
    subscriptions: MANY_SUBS,
    chargers: { authorize: authChargers.length, status: statusChargers.length },
    without,
    with: withSubs,
    moderate: { statusRate: AUTHORIZE_STATUS_RATE_MODERATE, run: moderate, unchanged: authorizeUnchanged(lastWithout, moderate.latencyMs.p99) },
    p99Ratio: Math.round(median(ratios) * 100) / 100,
    judgedRounds: judged.length,
    unchangedRounds,
    unchanged: judged.length > 0 && unchangedRounds > judged.length / 2,
  };
}

/** Turns the bench subscriptions on or off; off waits until deliveries already under way have stopped arriving. */
async function setEnabled(g: Live, enabled: boolean): Promise<void> {
  await Promise.all(g.subscriptions.map((id) => g.api('PATCH', `/api/subscriptions/${id}`, { enabled })));
  if (!enabled) await settled(g);
}

/** Until no delivery has arrived for a quarter second (at most DRAIN_WAIT_MS), and a little more. */
async function settled(g: Live): Promise<void> {
  let last = -1;
  await waitUntil(async () => {
    const { delivered } = await g.receiver.counts();
    const still = delivered === last;
    last = delivered;
    return still;
  }, 250, DRAIN_WAIT_MS);
  await sleep(DRAIN_MS);
}

/** The status load starts a second early and ends a second late, so Authorize is timed in its steady state. */
async function authorizeRun(g: Live, statusChargers: SimCharger[], authorize: Fire, phaseMs: number, statusRate = AUTHORIZE_STATUS_RATE): Promise<AuthorizeRun> {
  const lead = STEADY_FROM_MS;
  const statusLoad = openLoop(statusFire(statusChargers, () => {}), statusRate, phaseMs + 2 * lead);
  await sleep(lead);
  const before = (await g.receiver.counts()).delivered;
  const gatewayCpu = cpuMeter(g.gateway.pid);
  const started = performance.now();
  const run = await openLoop(authorize, AUTHORIZE_RATE, phaseMs);
  const seconds = (performance.now() - started) / 1000;
  const gatewayCpuPct = gatewayCpu.pct();
  const delivered = (await g.receiver.counts()).delivered - before;
  const status = await statusLoad;
  checkAlive(g.gateway);
  return { ...run, gatewayCpuPct, statusPerSec: status.perSec, deliveredPerSec: Math.round(delivered / seconds) };
}

/** The 100-subscription load at its higher rate again, under --cpu-prof, summarised over the load only. */
async function profileGateway(setup: Omit<GatewaySetup, 'name'>, phaseMs: number): Promise<NonNullable<NotificationsResult['profile']>> {
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-bench-prof-'));
  try {
    const rate = MANY_SUBS_RATES.at(-1)!;
    const load = `${MANY_SUBS} subscriptions, StatusNotification at ${rate}/s for ${phaseMs} ms`;
    let window = { fromUs: 0, toUs: 0 };
    await onGateway({ ...setup, name: 'profile', cpuProfileDir: dir }, async (g) => {
      await subscribe(g, MANY_SUBS);
      g.log(`profiling: ${load}`);
      const fromUs = monotonicUs();
      await openLoop(statusFire(g.chargers, () => {}), rate, phaseMs);
      window = { fromUs, toUs: monotonicUs() };
    });
    const saved = 'bench/results/notifications-gateway.cpuprofile';
    return { ...savedProfile(dir, PROFILE_SAVED, window), file: saved, load, saved };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The notifications scenario's result shapes, how its targets are judged, and
// the table printed at the end of a run.

import type { HistogramSummary } from '../../../simulators/charger/stats.js';
import { formatProfile, type ProfileSummary } from '../../tools/cpu-profile.js';
import type { LoadResult } from '../../lib/load-patterns.js';
import { formatTable, show } from '../../lib/table.js';
import { disturbed, DISTURBED_STEAL_PCT } from '../../lib/machine-noise.js';

/** StatusNotification at a fixed rate with `subscriptions` all wanting every event. */
export interface DeliveryPhase {
  subscriptions: number;
  /** StatusNotification per second asked of the load generator. */
  statusRate: number;
  /** The OCPP side: replies per second and their latency from the scheduled send. */
  status: LoadResult;
  /** Achieved StatusNotification/s × subscriptions. */
  offeredPerSec: number;
  /** At the receiver, from 1 s into the load to its end. */
  deliveredPerSec: number;
  /** Receipt time minus occurredAt, for the deliveries of this phase that arrived (see drainedInMs). */
  e2eLatencyMs: HistogramSummary;
  /** Events written × subscriptions − delivered, when the load stopped. */
  backlogAtEnd: number;
  /** From 1 s into the load to its end. */
  backlogGrowthPerSec: number;
  /** Growth above 5 % of the offered rate. */
  backlogGrows: boolean;
  /** From the end of the load until every delivery arrived; null when the wait ran out. */
  drainedInMs: number | null;
  drainWaitMs: number;
  /** Still undelivered at the end of the wait. */
  backlogLeft: number;
  /** The fewest and most deliveries one subscription received in the phase. */
  perSubscription: { subscriptions: number; min: number; max: number };
  /** Over the load (not the drain), % of one core. */
  gatewayCpuPct: number;
  receiverCpuPct: number;
  /** Deliveries the receiver refused (signature, JSON): should be 0. */
  rejected: number;
  /** The gateway answered a Heartbeat after the phase; false means it is stuck. */
  gatewayAnswering: boolean;
}

export interface DrainPart {
  events: number;
  /** Set when the run used fewer events than the full 100,000 (--quick). */
  reducedFrom?: number;
  /** The chargers the events name. */
  chargers: number;
  /** How the backlog was built, one subscription, its endpoint answering 503; then one StatusNotification wakes its worker. */
  backlog: { how: string; writtenInMs: number; perSec: number };
  /** Gateway config for this part: the longest wait between probes of a queued subscription. */
  probeMaxMs: number;
  /** The subscription's state before the fault was cleared, and how long the wait for it took after generating. */
  stateBeforeClear: string;
  queuedWaitMs: number;
  /** From clearing the fault to the first delivery: the probe's backoff. */
  firstDeliveryAfterMs: number;
  /** From clearing the fault to the last delivery; null when the wait ran out. */
  drainedInMs: number | null;
  delivered: number;
  /** Deliveries per second from the first to the last. */
  drainPerSec: number;
  gatewayCpuPct: number;
  receiverCpuPct: number;
  /** The newest row of GET /api/subscriptions/:id/deliveries after the drain. */
  lastAttempt: unknown;
}

export interface AuthorizeRun extends LoadResult {
  gatewayCpuPct: number;
  /** StatusNotification replies per second on the other chargers during the run. */
  statusPerSec: number;
  /** Deliveries per second at the receiver during the run. */
  deliveredPerSec: number;
}

export interface AuthorizePart {
  rate: number;
  statusRate: number;
  subscriptions: number;
  chargers: { authorize: number; status: number };
  /** Rounds with the subscriptions disabled and enabled, alternating: the spread of each is the noise. */
  without: AuthorizeRun[];
  with: AuthorizeRun[];
  /** The same with subscriptions at a moderate event rate, where delivery does not saturate the machine. */
  moderate: { statusRate: number; run: AuthorizeRun; unchanged: boolean };
  /** Median over the judged rounds of p99 with subscriptions ÷ p99 without in the same round. */
  p99Ratio: number;
  /** Rounds whose two runs both had steal ≤ DISTURBED_STEAL_PCT; the others are printed, not judged. */
  judgedRounds: number;
  /** Judged rounds whose p99 with subscriptions is within TARGETS.authorizeNoise of the same round's without. */
  unchangedRounds: number;
  /** In more than half of the judged rounds. */
  unchanged: boolean;
}

export interface NotificationsResult {
  date: string;
  node: string;
  cpus: number;
  /** The machine's 1, 5 and 15 min load averages when the scenario started and ended: anything well above the bench's own share means other work shared the CPUs. */
  loadAverage: { start: number[]; end: number[] };
  chargers: number;
  phaseMs: number;
  oneSubscription: DeliveryPhase[];
  hundredSubscriptions: DeliveryPhase[];
  drain: DrainPart;
  authorize: AuthorizePart;
  /** The most deliveries per second seen in any part: steady state or drain. */
  ceilingPerSec: number;
  /** The gateway's top self-time functions at 100 subscriptions, when the ceiling missed the target. */
  profile?: ProfileSummary & { load: string; saved: string };
}

export const TARGETS = {
  deliveriesPerSec: 5_000,
  /** "Unchanged within noise": p99 at most 1.5× the same round's baseline or 2 ms above it, whichever is larger. */
  authorizeNoise: { ratio: 1.5, ms: 2 },
};

const GROWS_ABOVE = 0.05;

export function backlogGrows(growthPerSec: number, offeredPerSec: number): boolean {
  return growthPerSec > GROWS_ABOVE * offeredPerSec;
}

export function authorizeUnchanged(withoutP99: number, withP99: number): boolean {
  const { ratio, ms } = TARGETS.authorizeNoise;
  return withP99 <= Math.max(withoutP99 * ratio, withoutP99 + ms);
}

export function formatNotifications(r: NotificationsResult): string {
  const header = ['part', 'Status/s', 'offered deliv/s', 'delivered/s', 'e2e p50 ms', 'e2e p99 ms', 'backlog end', 'backlog /s', 'grows', 'drained s', 'per-sub min-max', 'Status p50 ms', 'Status p99 ms', 'gateway CPU %', 'receiver CPU %', 'load CPU %', 'steal %'];
  const rows = [...r.oneSubscription, ...r.hundredSubscriptions].map(phaseRow);
  const d = r.drain;
  const a = r.authorize;
  const met = r.ceilingPerSec >= TARGETS.deliveriesPerSec;
  const out = [
    `scenario notifications, ${r.chargers} chargers, ${r.phaseMs / 1000} s phases, ${r.cpus} CPUs; gateway, receiver and load generator in separate processes`,
    `load average 1/5/15 min: ${r.loadAverage.start.map(show).join('/')} at the start, ${r.loadAverage.end.map(show).join('/')} before the profile run`,
    `delivered/s: at the receiver from 1 s into the load to its end; e2e: receipt time − event occurredAt (incl. the drain after the load)`,
    `backlog: events written × subscriptions − delivered; grows: growth > 5 % of the offered rate; drained: after the load stopped`,
    formatTable(header, rows),
    '',
    `backlog drain (1 subscription, receiver answering 503, probeMaxMs ${d.probeMaxMs}):`,
    `  backlog of ${d.events}${d.reducedFrom ? ` (reduced from ${d.reducedFrom})` : ''} events of ${d.chargers} chargers, ${d.backlog.how}: ${show(d.backlog.writtenInMs / 1000)} s, ${d.backlog.perSec}/s`,
    `  state before clearing the fault: ${d.stateBeforeClear} (waited ${show(d.queuedWaitMs / 1000)} s after generating)`,
    `  first delivery ${show(d.firstDeliveryAfterMs / 1000)} s after clearing; ${d.delivered}/${d.events} delivered ${d.drainedInMs === null ? 'when the wait ran out' : `${show(d.drainedInMs / 1000)} s after clearing`}`,
    `  drain rate ${d.drainPerSec}/s (first to last delivery); gateway CPU ${d.gatewayCpuPct} %, receiver CPU ${d.receiverCpuPct} %`,
    `  last attempt in GET /api/subscriptions/:id/deliveries: ${JSON.stringify(d.lastAttempt)}`,
    '',
    `Authorize at ${a.rate}/s (${a.chargers.authorize} chargers) while StatusNotification runs at ${a.statusRate}/s on ${a.chargers.status} others; latency from the scheduled send`,
    formatTable(
      ['run', 'achieved/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'Status/s', 'delivered/s', 'gateway CPU %', 'load CPU %', 'steal %', 'kdamond ms'],
      [
        ...a.without.flatMap((run, k) => [
          authorizeRow(`round ${k + 1}: subscriptions disabled`, run),
          ...(a.with[k] ? [authorizeRow(`round ${k + 1}: ${a.subscriptions} subscriptions`, a.with[k])] : []),
        ]),
        authorizeRow(`${a.subscriptions} subs, Status ${a.moderate.statusRate}/s`, a.moderate.run),
      ],
    ),
    `  p99 with ÷ without, per undisturbed round (steal <= ${DISTURBED_STEAL_PCT} %): median ${show(a.p99Ratio)}`,
    '',
    'targets',
    `  deliveries/s >= ${TARGETS.deliveriesPerSec}: best measured ${r.ceilingPerSec}/s -> ${met ? 'met' : deliveryPhases(r).some((p) => !disturbed(p.status)) ? 'NOT met' : `not judged: every phase had steal > ${DISTURBED_STEAL_PCT} %`}`,
    `  Authorize p99 unchanged within noise (<= max(${TARGETS.authorizeNoise.ratio}x, +${TARGETS.authorizeNoise.ms} ms) of the same round without, in most rounds): without ${p99s(a.without)}, with ${p99s(a.with)} ms -> ${a.judgedRounds ? `${a.unchangedRounds} of ${a.judgedRounds} undisturbed rounds (${a.with.length} run) -> ${a.unchanged ? 'met' : 'NOT met'}` : `not judged: every round had steal > ${DISTURBED_STEAL_PCT} %`}`,
    `    at ${a.moderate.statusRate} events/s (${a.moderate.run.deliveredPerSec} deliveries/s), against the last round without: ${show(a.moderate.run.latencyMs.p99)} ms -> ${a.moderate.unchanged ? 'met' : 'NOT met'}`,
    `  outbox never the bottleneck for the OCPP path: ${ocppVerdict(r)}`,
  ];
  if (r.profile) out.push('', ...formatProfile(r.profile, r.profile.load));
  return out.join('\n');
}

function deliveryPhases(r: NotificationsResult): DeliveryPhase[] {
  return [...r.oneSubscription, ...r.hundredSubscriptions].filter((p) => p.subscriptions > 0);
}

function phaseRow(p: DeliveryPhase): string[] {
  return [
    `${p.subscriptions} sub${p.subscriptions === 1 ? '' : 's'}${p.gatewayAnswering ? '' : ' STUCK'}`,
    `${p.statusRate} (${p.status.perSec})`,
    String(p.offeredPerSec),
    String(p.deliveredPerSec),
    show(p.e2eLatencyMs.p50),
    show(p.e2eLatencyMs.p99),
    String(p.backlogAtEnd),
    String(p.backlogGrowthPerSec),
    p.backlogGrows ? 'yes' : 'no',
    p.drainedInMs === null ? `>${show(p.drainWaitMs / 1000)} (${p.backlogLeft} left)` : show(p.drainedInMs / 1000),
    `${p.perSubscription.min}-${p.perSubscription.max}`,
    show(p.status.latencyMs.p50),
    show(p.status.latencyMs.p99),
    String(p.gatewayCpuPct),
    String(p.receiverCpuPct),
    String(p.status.generatorCpuPct),
    show(p.status.noise.stealPct),
  ];
}

function authorizeRow(name: string, run: AuthorizeRun): string[] {
  return [
    name,
    String(run.perSec),
    show(run.latencyMs.p50),
    show(run.latencyMs.p99),
    show(run.latencyMs.max),
    String(run.errors + run.sent - (run.statuses.Accepted ?? 0)),
    String(run.statusPerSec),
    String(run.deliveredPerSec),
    String(run.gatewayCpuPct),
    String(run.generatorCpuPct),
    show(run.noise.stealPct),
    show(run.noise.kdamondMs),
  ];
}

function p99s(runs: AuthorizeRun[]): string {
  return runs.map((r) => show(r.latencyMs.p99)).join(', ');
}

/** Whether StatusNotification kept its rate, and its latency with no subscription next to one, at the same rate. */
function ocppVerdict(r: NotificationsResult): string {
  const phases = [...r.oneSubscription, ...r.hundredSubscriptions];
  const slow = phases.filter((p) => p.status.perSec < 0.9 * p.statusRate || p.status.errors > 0);
  const kept = slow.length === 0 ? 'StatusNotification kept its rate in every phase' : `StatusNotification fell behind in ${slow.length} phase(s)`;
  const base = phases.find((p) => p.subscriptions === 0);
  const one = base && phases.find((p) => p.subscriptions === 1 && p.statusRate === base.statusRate);
  if (!base || !one) return kept;
  const latency = (p: DeliveryPhase) => `p50 ${show(p.status.latencyMs.p50)} / p99 ${show(p.status.latencyMs.p99)} ms`;
  return `${kept}; at ${base.statusRate}/s ${latency(base)} with no subscription, ${latency(one)} with 1`;
}


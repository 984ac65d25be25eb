// The webhook scenario's result shapes, how a phase is judged, and the tables
// and target lines printed at the end of a run.

import type { LoadResult } from '../../lib/load-patterns.js';
import { formatTable, median, show } from '../../lib/table.js';
import { disturbed, DISTURBED_STEAL_PCT } from '../../lib/machine-noise.js';

export interface Phase extends LoadResult {
  /** Target of an open-loop phase; unset for the closed loop (saturation). */
  rate?: number;
  /** Calls in flight in the closed loop. */
  window?: number;
  /** Achieved below 90 % of the target rate, or any error, timeout or unexpected reply. */
  collapsed: boolean;
  /** See markQueueing; set on a part's open-loop phases. */
  queueing?: boolean;
  gatewayCpuPct?: number;
  providerCpuPct: number;
}

export interface GatewayPart {
  /** Which idTags the Authorize calls carried. */
  tags: string;
  held: number;
  phases: Phase[];
  /** The gateway's last output lines (it logs at warn) after the phases; empty when it wrote nothing. */
  gatewayLog: string[];
}

export interface BreakerPart {
  /** Replies to the calls that opened the breaker, by status. */
  openers: Record<string, number>;
  /** One per round. */
  phases: Phase[];
  allInvalid: boolean;
  /** "provider unreachable" warnings in the gateway's last 40 output lines: calls that went out, not held by the breaker. */
  unreachableLogged: number;
}

/** The provider alone and the gateway (no cache) at the target rate, one after the other. */
export interface PairedRound {
  alone: Phase;
  gateway: Phase;
}

export interface WebhookResult {
  date: string;
  node: string;
  cpus: number;
  chargers: number;
  phaseMs: number;
  providerAlone: Phase[];
  noCache: GatewayPart;
  /** Alternating rounds for the "gateway adds" targets. */
  paired: PairedRound[];
  cached: GatewayPart;
  breakerOpen: BreakerPart;
}

export const TARGETS = { ratePerSec: 4_000, addedP50Ms: 2, addedP99Ms: 10, breakerP99Ms: 5, atRate: 1_000 };

const COLLAPSE_BELOW = 0.9;
const QUEUEING_ABOVE = 10;

/** True when the phase fell under 90 % of its rate or any call did not end with `expected`. */
export function judge(run: LoadResult, expected: string, rate?: number): boolean {
  const unexpected = run.sent - (run.statuses[expected] ?? 0);
  return unexpected > 0 || (rate !== undefined && run.perSec < COLLAPSE_BELOW * rate);
}

/**
 * Marks the open-loop phases whose p50 is over 10× that of the part's lowest rate: replies
 * fall behind the schedule and a queue builds. A 4 s phase can hide that from the achieved
 * rate, since every call is still answered shortly after the phase ends.
 */
export function markQueueing(phases: Phase[]): Phase[] {
  const base = phases.find((p) => p.rate !== undefined)?.latencyMs.p50;
  return phases.map((p) => (p.rate === undefined || base === undefined ? p : { ...p, queueing: p.latencyMs.p50 > QUEUEING_ABOVE * base }));
}

export function formatWebhook(r: WebhookResult): string {
  const header = ['part', 'load', 'achieved/s', 'p50 ms', 'p99 ms', 'max ms', 'not as expected', 'gateway CPU %', 'provider CPU %', 'load CPU %', 'steal %', 'kdamond ms', 'collapsed'];
  const rows = phases(r).map(([part, p, expected]) => row(part, p, expected));
  const out = [
    `scenario webhook, ${r.chargers} chargers, ${r.phaseMs / 1000} s phases (breaker ${r.breakerOpen.phases.length} × ${r.breakerOpen.phases[0]?.sent} calls); latency from the scheduled send time in open loop`,
    `tags: no cache ${r.noCache.tags}; cache ${r.cached.tags}`,
    `collapsed: achieved < 90 % of the rate, or any error, timeout or unexpected reply; queueing: p50 > 10× the part's p50 at its lowest rate`,
    `steal: CPU the hypervisor gave other guests, % of both cores; kdamond: CPU of the kernel's memory monitor (both stall every process on the machine)`,
    formatTable(header, rows),
    '',
    'targets',
    formatTable(['target', 'measured', ''], verdicts(r).map((v) => [v.target, v.measured, v.judged === false ? '-' : v.pass ? 'PASS' : 'FAIL'])),
  ];
  for (const [name, part] of [['no cache', r.noCache], ['cache', r.cached]] as const) {
    if (part.gatewayLog.length) out.push(`gateway (${name}) wrote ${part.gatewayLog.length} log lines (last 40 kept), e.g.:\n  ${part.gatewayLog.slice(-3).join('\n  ')}`);
  }
  // What the "not as expected" column counts, spelled out.
  for (const [part, p, expected] of phases(r)) {
    if (p.sent - (p.statuses[expected] ?? 0) > 0) out.push(`${part} at ${load(p)}: replies ${JSON.stringify(p.statuses)}, ${p.errors} errors or timeouts`);
  }
  return out.join('\n');
}

function row(part: string, p: Phase, expected: string): string[] {
  return [
    part,
    load(p),
    show(p.perSec),
    show(p.latencyMs.p50),
    show(p.latencyMs.p99),
    show(p.latencyMs.max),
    show(p.sent - (p.statuses[expected] ?? 0)),
    p.gatewayCpuPct === undefined ? '-' : show(p.gatewayCpuPct),
    show(p.providerCpuPct),
    show(p.generatorCpuPct),
    show(p.noise?.stealPct ?? NaN),
    show(p.noise?.kdamondMs ?? NaN),
    p.collapsed ? 'YES' : p.queueing ? 'queueing' : 'no',
  ];
}

/** Every phase with its part's name and the reply it should get. */
function phases(r: WebhookResult): [string, Phase, string][] {
  return [
    ...r.providerAlone.map((p): [string, Phase, string] => ['provider alone (undici)', p, 'allowed']),
    ...r.noCache.phases.map((p): [string, Phase, string] => ['gateway, no cache', p, 'Accepted']),
    ...r.cached.phases.map((p): [string, Phase, string] => ['gateway, cache', p, 'Accepted']),
    ...r.paired.flatMap((p, k): [string, Phase, string][] => [
      [`round ${k + 1}: provider alone`, p.alone, 'allowed'],
      [`round ${k + 1}: gateway, no cache`, p.gateway, 'Accepted'],
    ]),
    ...r.breakerOpen.phases.map((p, k): [string, Phase, string] => [`gateway, breaker open (round ${k + 1})`, p, 'Invalid']),
  ];
}

function load(p: Phase): string {
  return p.rate !== undefined ? `${p.rate}/s` : `flat out, ${p.window} in flight`;
}

// The gateway's output is kept to its last 40 lines, so a full tail means "at least".
function calls(logged: number): string {
  return logged >= 40 ? '≥ 40 (breaker not holding?)' : String(logged);
}

interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
  /** False when every round was disturbed (see DISTURBED_STEAL_PCT): neither PASS nor FAIL. */
  judged?: boolean;
}

const NOT_JUDGED = `not judged: every round had steal > ${DISTURBED_STEAL_PCT} %`;

function undisturbed(kept: number, all: number): string {
  return kept === all ? String(all) : `${kept} undisturbed of ${all}`;
}

export function verdicts(r: WebhookResult): Verdict[] {
  const at = (phases: Phase[], rate: number) => phases.find((p) => p.rate === rate);
  const sustained = (name: string, p: Phase | undefined): Verdict => ({
    target: `≥ ${TARGETS.ratePerSec} webhook Authorize/s without collapse (${name})`,
    measured: p
      ? `${p.perSec}/s, p50 ${show(p.latencyMs.p50)} ms, p99 ${show(p.latencyMs.p99)} ms, ${p.sent - (p.statuses.Accepted ?? 0)} not Accepted`
      : 'not run',
    pass: p !== undefined && !p.collapsed && !p.queueing,
    // Holding the rate with the machine taken counts; falling behind then says nothing of the gateway.
    judged: p === undefined || (!p.collapsed && !p.queueing) || !disturbed(p),
  });
  // Per round: the gateway's figure minus the provider's alone in the same minutes; the median
  // undisturbed round is judged (every round is printed above).
  const paired = r.paired.filter((p) => !disturbed(p.alone, p.gateway));
  const added = (pick: 'p50' | 'p99') => median(paired.map((p) => p.gateway.latencyMs[pick] - p.alone.latencyMs[pick]));
  const addedLine = (pick: 'p50' | 'p99', limit: number): Verdict => ({
    target: `gateway (no cache) adds < ${limit} ms at ${pick} over the provider alone at ${TARGETS.atRate}/s (median of ${undisturbed(paired.length, r.paired.length)} paired rounds)`,
    measured: paired.length
      ? `+${show(added(pick))} ms (rounds: ${paired.map((p) => `${show(p.gateway.latencyMs[pick])} vs ${show(p.alone.latencyMs[pick])}`).join('; ')})`
      : NOT_JUDGED,
    pass: added(pick) < limit,
    judged: paired.length > 0,
  });
  const breaker = r.breakerOpen.phases.filter((p) => !disturbed(p));
  const breakerP99 = median(breaker.map((p) => p.latencyMs.p99));
  const invalid = r.breakerOpen.phases.reduce((n, p) => n + (p.statuses.Invalid ?? 0), 0);
  const sent = r.breakerOpen.phases.reduce((n, p) => n + p.sent, 0);
  return [
    sustained('no cache', at(r.noCache.phases, TARGETS.ratePerSec)),
    sustained('cache', at(r.cached.phases, TARGETS.ratePerSec)),
    addedLine('p50', TARGETS.addedP50Ms),
    addedLine('p99', TARGETS.addedP99Ms),
    {
      target: `breaker open: p99 < ${TARGETS.breakerP99Ms} ms at ${r.breakerOpen.phases[0]?.rate}/s (median of ${undisturbed(breaker.length, r.breakerOpen.phases.length)} rounds)`,
      measured: breaker.length
        ? `${show(breakerP99)} ms (rounds: ${breaker.map((p) => show(p.latencyMs.p99)).join(', ')}); calls that reached for the provider: ${calls(r.breakerOpen.unreachableLogged)}`
        : NOT_JUDGED,
      pass: breakerP99 < TARGETS.breakerP99Ms,
      judged: breaker.length > 0,
    },
    {
      target: 'breaker open: every reply Invalid (offlineAllow false)',
      measured: `openers ${JSON.stringify(r.breakerOpen.openers)}, then ${invalid}/${sent} Invalid`,
      pass: r.breakerOpen.allInvalid,
    },
  ];
}

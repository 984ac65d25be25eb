// The webhook scenario's result shapes, how a phase is judged, and the tables
// and target lines printed at the end of a run.

import { median, show } from '../../lib/table.js';
import { disturbed } from '../../lib/machine-noise.js';
import type { PairedRound as Paired } from '../../lib/paired.js';
import type { Phase } from '../../lib/phase.js';
import { addedOverAlone, formatReport, gatewayLogNote, NOT_JUDGED, undisturbed, type Verdict } from '../../lib/verdicts.js';

export type { Phase } from '../../lib/phase.js';

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
export type PairedRound = Paired<Phase>;

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

export function formatWebhook(r: WebhookResult): string {
  return formatReport({
    heading: [
      `scenario webhook, ${r.chargers} chargers, ${r.phaseMs / 1000} s phases (breaker ${r.breakerOpen.phases.length} × ${r.breakerOpen.phases[0]?.sent} calls); latency from the scheduled send time in open loop`,
      `tags: no cache ${r.noCache.tags}; cache ${r.cached.tags}`,
    ],
    upstream: 'provider',
    phases: phases(r),
    verdicts: verdicts(r),
    notes: [...gatewayLogNote('gateway (no cache)', r.noCache.gatewayLog), ...gatewayLogNote('gateway (cache)', r.cached.gatewayLog)],
  });
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

// The gateway's output is kept to its last 40 lines, so a full tail means "at least".
function calls(logged: number): string {
  return logged >= 40 ? '≥ 40 (breaker not holding?)' : String(logged);
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
  const addedLine = (pick: 'p50' | 'p99', limit: number): Verdict =>
    addedOverAlone(r.paired, { pick, limit, gateway: 'gateway (no cache)', upstream: 'the provider', rate: TARGETS.atRate });
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

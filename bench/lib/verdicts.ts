// How a scenario with targets prints its phases and its verdicts: one row per phase with the
// machine's noise beside it, and a target table whose disturbed targets read "-".

import { disturbed, DISTURBED_STEAL_PCT } from './machine-noise.js';
import type { Phase } from './phase.js';
import type { PairedRound } from './paired.js';
import { formatTable, median, show } from './table.js';

export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
  /** False when every round was disturbed (see DISTURBED_STEAL_PCT): neither PASS nor FAIL. */
  judged?: boolean;
}

export const NOT_JUDGED = `not judged: every round had steal > ${DISTURBED_STEAL_PCT} %`;

export const COLLAPSE_LEGEND = `collapsed: achieved < 90 % of the rate, or any error, timeout or unexpected reply; queueing: p50 > 10× the part's p50 at its lowest rate`;

export const NOISE_LEGEND = `steal: CPU the hypervisor gave other guests, % of both cores; kdamond: CPU of the kernel's memory monitor (both stall every process on the machine)`;

export function undisturbed(kept: number, all: number): string {
  return kept === all ? String(all) : `${kept} undisturbed of ${all}`;
}

/**
 * "The gateway adds < limit ms at pick over the upstream alone": per round the gateway's figure
 * minus the upstream's in the same minutes; the median undisturbed round is judged.
 */
export function addedOverAlone(
  rounds: PairedRound<Phase>[],
  on: { pick: 'p50' | 'p99'; limit: number; gateway: string; upstream: string; rate: number },
): Verdict {
  const { pick, limit } = on;
  const kept = rounds.filter((p) => !disturbed(p.alone, p.gateway));
  const added = median(kept.map((p) => p.gateway.latencyMs[pick] - p.alone.latencyMs[pick]));
  return {
    target: `${on.gateway} adds < ${limit} ms at ${pick} over ${on.upstream} alone at ${on.rate}/s (median of ${undisturbed(kept.length, rounds.length)} paired rounds)`,
    measured: kept.length
      ? `${signed(added)} ms (rounds: ${kept.map((p) => `${show(p.gateway.latencyMs[pick])} vs ${show(p.alone.latencyMs[pick])}`).join('; ')})`
      : NOT_JUDGED,
    pass: added < limit,
    judged: kept.length > 0,
  };
}

/** A difference with its sign, + for none. */
export function signed(n: number): string {
  return `${n < 0 ? '' : '+'}${show(n)}`;
}

export function formatVerdicts(verdicts: Verdict[]): string {
  return formatTable(['target', 'measured', ''], verdicts.map((v) => [v.target, v.measured, v.judged === false ? '-' : v.pass ? 'PASS' : 'FAIL']));
}

/** Header of a phase table; `upstream` names the process the gateway calls. */
export function phaseHeader(upstream: string): string[] {
  return ['part', 'load', 'achieved/s', 'p50 ms', 'p99 ms', 'max ms', 'not as expected', 'gateway CPU %', `${upstream} CPU %`, 'load CPU %', 'steal %', 'kdamond ms', 'collapsed'];
}

export function phaseRow(part: string, p: Phase, expected: string): string[] {
  return [
    part,
    phaseLoad(p),
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

export function phaseLoad(p: Phase): string {
  return p.rate !== undefined ? `${p.rate}/s` : `flat out, ${p.window} in flight`;
}

/** What each phase's "not as expected" column counts, spelled out, for the phases that had any. */
export function unexpectedLines(phases: [string, Phase, string][]): string[] {
  return phases.filter(([, p, expected]) => p.sent - (p.statuses[expected] ?? 0) > 0).map(([part, p]) => `${part} at ${phaseLoad(p)}: replies ${JSON.stringify(p.statuses)}, ${p.errors} errors or timeouts`);
}

/** A whole report: heading lines, the legends, one row per phase, the targets, then `notes` and the unexpected replies. */
export function formatReport(report: { heading: string[]; upstream: string; phases: [string, Phase, string][]; verdicts: Verdict[]; notes: string[] }): string {
  const rows = report.phases.map(([part, p, expected]) => phaseRow(part, p, expected));
  return [
    ...report.heading,
    COLLAPSE_LEGEND,
    NOISE_LEGEND,
    formatTable(phaseHeader(report.upstream), rows),
    '',
    'targets',
    formatVerdicts(report.verdicts),
    ...report.notes,
    ...unexpectedLines(report.phases),
  ].join('\n');
}

/** What the gateway logged (at warn) during a part, when it logged anything. */
export function gatewayLogNote(name: string, lines: string[]): string[] {
  return lines.length ? [`${name} wrote ${lines.length} log lines (last 40 kept), e.g.:\n  ${lines.slice(-3).join('\n  ')}`] : [];
}

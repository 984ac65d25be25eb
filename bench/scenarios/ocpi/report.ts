// The ocpi scenario's result shapes, its targets, and the tables printed at the end of a run.

import { disturbed } from '../../lib/machine-noise.js';
import type { PairedRound } from '../../lib/paired.js';
import type { Phase } from '../../lib/phase.js';
import { median, show } from '../../lib/table.js';
import { addedOverAlone, formatReport, gatewayLogNote, NOT_JUDGED, signed, undisturbed, type Verdict } from '../../lib/verdicts.js';

/** The kinds of decision compared: native id tags, and OCPI decisions that need no call. */
export const DECISIONS = ['native', 'always', 'cached'] as const;
export type Decision = (typeof DECISIONS)[number];

const LABEL: Record<Decision, string> = {
  native: 'native id tags',
  always: 'OCPI ALWAYS (pushed token)',
  cached: 'OCPI ALLOWED_OFFLINE (decision cache)',
};

export interface KindPhases {
  atRate: Phase;
  flatOut: Phase;
}

export type DecisionRound = Record<Decision, KindPhases>;

export interface OcpiResult {
  date: string;
  node: string;
  cpus: number;
  /** Per installation: the native one and the OCPI one hold as many each. */
  chargers: number;
  /** Repeating tags per kind of decision. */
  tags: number;
  phaseMs: number;
  decisions: DecisionRound[];
  /** The eMSP alone and the gateway, every Authorize a real-time call, alternating. */
  realtime: PairedRound<Phase>[];
  /** The gateway's last output lines (it logs at warn); empty when it wrote nothing. */
  gatewayLog: string[];
}

export const TARGETS = { ratioToNative: 0.8, addedP50Ms: 2, atRate: 1_000 };

export function formatOcpi(r: OcpiResult): string {
  return formatReport({
    heading: [`scenario ocpi, ${r.chargers} chargers per installation (native, OCPI), ${r.phaseMs / 1000} s phases, ${r.tags} repeating tags per kind; real-time: a new uid per Authorize`],
    upstream: 'eMSP',
    phases: phases(r),
    verdicts: verdicts(r),
    notes: [`real-time adds at p99 (no target): ${realtimeP99(r)}`, ...gatewayLogNote('gateway', r.gatewayLog)],
  });
}

/** Every phase with its part's name and the reply it should get. */
function phases(r: OcpiResult): [string, Phase, string][] {
  return [
    ...r.decisions.flatMap((round, k) =>
      DECISIONS.flatMap((kind): [string, Phase, string][] => [
        [`round ${k + 1}: ${LABEL[kind]}`, round[kind].atRate, 'Accepted'],
        [`round ${k + 1}: ${LABEL[kind]}`, round[kind].flatOut, 'Accepted'],
      ]),
    ),
    ...r.realtime.flatMap((p, k): [string, Phase, string][] => [
      [`real-time ${k + 1}: eMSP alone`, p.alone, 'ALLOWED'],
      [`real-time ${k + 1}: gateway`, p.gateway, 'Accepted'],
    ]),
  ];
}

/** OCPI flat out over native flat out, per undisturbed round; the median is judged. */
function ratioLine(r: OcpiResult, kind: Exclude<Decision, 'native'>): Verdict {
  const kept = r.decisions.filter((d) => !disturbed(d.native.flatOut, d[kind].flatOut));
  const ratio = median(kept.map((d) => d[kind].flatOut.perSec / d.native.flatOut.perSec));
  const latency = (pick: 'p50' | 'p99') => `${pick} ${kept.map((d) => `${show(d[kind].atRate.latencyMs[pick])} vs ${show(d.native.atRate.latencyMs[pick])}`).join('; ')} ms`;
  const held = r.decisions.every((d) => !d[kind].atRate.collapsed && !d[kind].flatOut.collapsed);
  return {
    target: `${LABEL[kind]} flat out ≥ ${TARGETS.ratioToNative}× native (median of ${undisturbed(kept.length, r.decisions.length)} rounds), every reply Accepted`,
    measured: kept.length
      ? `${show(ratio)}× (rounds: ${kept.map((d) => `${d[kind].flatOut.perSec} / ${d.native.flatOut.perSec}/s`).join('; ')}); at ${TARGETS.atRate}/s vs native: ${latency('p50')}, ${latency('p99')}`
      : NOT_JUDGED,
    pass: ratio >= TARGETS.ratioToNative && held,
    judged: kept.length > 0,
  };
}

function verdicts(r: OcpiResult): Verdict[] {
  return [
    ratioLine(r, 'always'),
    ratioLine(r, 'cached'),
    addedOverAlone(r.realtime, { pick: 'p50', limit: TARGETS.addedP50Ms, gateway: 'real-time authorization', upstream: 'the eMSP', rate: TARGETS.atRate }),
  ];
}

function realtimeP99(r: OcpiResult): string {
  const kept = r.realtime.filter((p) => !disturbed(p.alone, p.gateway));
  return kept.length ? `${signed(median(kept.map((p) => p.gateway.latencyMs.p99 - p.alone.latencyMs.p99)))} ms` : NOT_JUDGED;
}

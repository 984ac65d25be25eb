// Turns the authorize scenario's results into the side-by-side table printed at
// the end of a run, and the fixed-rate rounds into a table of their own.

import { FIXED_RATES, type AuthorizeResult, type Outcome } from './scenario.js';
import type { LoadResult } from '../../lib/load-patterns.js';
import { disturbed, DISTURBED_STEAL_PCT } from '../../lib/machine-noise.js';
import { formatTable as grid, median, show } from '../../lib/table.js';

export type { Outcome };

/** Issue 2's targets: Authorize p99 at each fixed rate. */
export const P99_TARGET_MS: Record<number, number> = { 2_000: 10, 5_000: 25 };

interface Row {
  label: string;
  value: (r: AuthorizeResult) => number;
}

const rounds = (r: AuthorizeResult, rate: number) => r.fixedRate.find((f) => f.rate === rate)?.rounds ?? [];
const medianOf = (rate: number, pick: (l: LoadResult) => number) => (r: AuthorizeResult) => median(rounds(r, rate).map(pick));

const ROWS: Row[] = [
  { label: 'chargers held', value: (r) => r.connect.held },
  { label: 'connect+boot /s', value: (r) => r.connect.connectBootPerSec },
  { label: '  again, the same chargers /s', value: (r) => r.connect.rebootPerSec },
  { label: 'server RSS per conn (KiB)', value: (r) => r.connect.serverRssPerConnKiB },
  { label: 'server RSS loaded (MiB)', value: (r) => r.connect.serverRssAfterMiB },
  { label: 'Authorize/s flat out', value: (r) => r.saturation.perSec },
  { label: '  load generator CPU %', value: (r) => r.saturation.generatorCpuPct },
  { label: '  p50 ms', value: (r) => r.saturation.latencyMs.p50 },
  { label: '  p99 ms', value: (r) => r.saturation.latencyMs.p99 },
  { label: 'sessions/s flat out (Authorize + start/stop)', value: (r) => r.sessions.perSec },
  { label: '  p99 ms', value: (r) => r.sessions.latencyMs.p99 },
  ...FIXED_RATES.flatMap((rate): Row[] => [
    { label: `Authorize @${rate}/s p50 ms (median of rounds)`, value: medianOf(rate, (l) => l.latencyMs.p50) },
    { label: `Authorize @${rate}/s p99 ms (median of rounds)`, value: medianOf(rate, (l) => l.latencyMs.p99) },
    { label: `  rounds with p99 < ${P99_TARGET_MS[rate]} ms`, value: (r) => rounds(r, rate).filter((l) => l.latencyMs.p99 < P99_TARGET_MS[rate]).length },
    { label: `  undisturbed rounds (steal <= ${DISTURBED_STEAL_PCT} %)`, value: (r) => rounds(r, rate).filter((l) => !disturbed(l)).length },
    { label: `  of those with p99 < ${P99_TARGET_MS[rate]} ms`, value: (r) => rounds(r, rate).filter((l) => !disturbed(l) && l.latencyMs.p99 < P99_TARGET_MS[rate]).length },
    { label: `  lowest achieved /s`, value: (r) => Math.min(...rounds(r, rate).map((l) => l.perSec)) },
  ]),
  { label: 'failed calls', value: failedCalls },
];

export function formatTable(floor: Outcome | undefined, gateway: Outcome | undefined): string {
  const header = ['', 'floor', 'gateway', 'gateway/floor'];
  const lines = ROWS.map((row) => {
    const f = ok(floor) ? row.value(floor) : NaN;
    const g = ok(gateway) ? row.value(gateway) : NaN;
    return [row.label, show(f), show(g), f > 0 && g >= 0 ? (g / f).toFixed(2) : '-'];
  });
  const out = [grid(header, lines)];
  for (const [name, outcome] of [['floor', floor], ['gateway', gateway]] as const) {
    if (outcome && !ok(outcome)) out.push(`${name}: ${outcome.error.split('\n')[0]}`);
    if (ok(outcome) && Object.keys(outcome.connect.connectionErrors).length > 0) {
      out.push(`${name} connection errors: ${JSON.stringify(outcome.connect.connectionErrors)}`);
    }
    if (ok(outcome) && Object.keys(outcome.connect.serverErrors).length > 0) {
      out.push(`${name} server socket errors: ${JSON.stringify(outcome.connect.serverErrors)}`);
    }
    if (ok(outcome) && notAccepted(outcome) > 0) out.push(`${name}: ${notAccepted(outcome)} Authorize replies were not Accepted`);
  }
  out.push('', formatRounds(floor, gateway));
  return out.join('\n');
}

/** Each round's p99 beside what the machine took meanwhile (steal: other guests; kdamond: the kernel's monitor). */
function formatRounds(floor: Outcome | undefined, gateway: Outcome | undefined): string {
  const servers = [['floor', floor], ['gateway', gateway]].filter(([, o]) => ok(o as Outcome)) as [string, AuthorizeResult][];
  const header = ['rate', 'round', ...servers.flatMap(([name]) => [`${name} p99 ms`, 'steal %', 'kdamond ms'])];
  const rows: string[][] = [];
  for (const rate of FIXED_RATES) {
    const n = Math.max(0, ...servers.map(([, r]) => rounds(r, rate).length));
    for (let i = 0; i < n; i++) {
      const cells = servers.flatMap(([, r]) => {
        const l = rounds(r, rate)[i];
        return l ? [show(l.latencyMs.p99), show(l.noise.stealPct), show(l.noise.kdamondMs)] : ['-', '-', '-'];
      });
      rows.push([`${rate}/s`, String(i + 1), ...cells]);
    }
  }
  return `fixed-rate rounds (alternating between servers)\n${grid(header, rows)}`;
}

export function ok(outcome: Outcome | undefined): outcome is AuthorizeResult {
  return outcome !== undefined && !('error' in outcome);
}

function failedCalls(r: AuthorizeResult): number {
  return r.saturation.errors + r.sessions.errors + r.fixedRate.reduce((sum, f) => sum + f.rounds.reduce((s, l) => s + l.errors, 0), 0);
}

function notAccepted(r: AuthorizeResult): number {
  const others = (statuses: Record<string, number>) =>
    Object.entries(statuses).reduce((sum, [status, n]) => sum + (status === 'Accepted' ? 0 : n), 0);
  return others(r.saturation.statuses) + others(r.sessions.statuses) + r.fixedRate.reduce((sum, f) => sum + f.rounds.reduce((s, l) => s + others(l.statuses), 0), 0);
}

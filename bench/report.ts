// Turns scenario results into the side-by-side table printed at the end of a run.

import type { AuthorizeResult } from './scenarios/authorize.js';

export type Outcome = AuthorizeResult | { error: string };

interface Row {
  label: string;
  value: (r: AuthorizeResult) => number;
}

const fixed = (rate: number, pick: (l: AuthorizeResult['fixedRate'][number]) => number) => (r: AuthorizeResult) => {
  const run = r.fixedRate.find((f) => f.rate === rate);
  return run ? pick(run) : NaN;
};

const ROWS: Row[] = [
  { label: 'chargers held', value: (r) => r.connect.held },
  { label: 'connect+boot /s', value: (r) => r.connect.connectBootPerSec },
  { label: 'server RSS per conn (KiB)', value: (r) => r.connect.serverRssPerConnKiB },
  { label: 'server RSS loaded (MiB)', value: (r) => r.connect.serverRssAfterMiB },
  { label: 'Authorize/s flat out', value: (r) => r.saturation.perSec },
  { label: '  load generator CPU %', value: (r) => r.saturation.generatorCpuPct },
  { label: '  p50 ms', value: (r) => r.saturation.latencyMs.p50 },
  { label: '  p99 ms', value: (r) => r.saturation.latencyMs.p99 },
  { label: 'Authorize @2000/s p50 ms', value: fixed(2000, (f) => f.latencyMs.p50) },
  { label: 'Authorize @2000/s p99 ms', value: fixed(2000, (f) => f.latencyMs.p99) },
  { label: 'Authorize @5000/s p50 ms', value: fixed(5000, (f) => f.latencyMs.p50) },
  { label: 'Authorize @5000/s p99 ms', value: fixed(5000, (f) => f.latencyMs.p99) },
  { label: 'Authorize @5000/s achieved /s', value: fixed(5000, (f) => f.perSec) },
  { label: 'failed calls', value: failedCalls },
];

export function formatTable(floor: Outcome | undefined, gateway: Outcome | undefined): string {
  const header = ['', 'floor', 'gateway', 'gateway/floor'];
  const lines = ROWS.map((row) => {
    const f = ok(floor) ? row.value(floor) : NaN;
    const g = ok(gateway) ? row.value(gateway) : NaN;
    return [row.label, show(f), show(g), f > 0 && g >= 0 ? (g / f).toFixed(2) : '-'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)];
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
  return out.join('\n');
}

export function ok(outcome: Outcome | undefined): outcome is AuthorizeResult {
  return outcome !== undefined && !('error' in outcome);
}

function failedCalls(r: AuthorizeResult): number {
  return r.saturation.errors + r.fixedRate.reduce((sum, f) => sum + f.errors, 0);
}

function notAccepted(r: AuthorizeResult): number {
  const others = (statuses: Record<string, number>) =>
    Object.entries(statuses).reduce((sum, [status, n]) => sum + (status === 'Accepted' ? 0 : n), 0);
  return others(r.saturation.statuses) + r.fixedRate.reduce((sum, f) => sum + others(f.statuses), 0);
}

function show(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1);
}

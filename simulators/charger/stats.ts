// Counters and latencies shared by every charger of a fleet. Recording is O(1)
// and allocation-free after the first sample per action, so it can sit on the hot path.

import { Histogram, type HistogramSummary } from './histogram.js';

export { Histogram, type HistogramSummary } from './histogram.js';

export interface StatsSummary {
  connected: number;
  closed: number;
  connectionErrors: Record<string, number>;
  messagesSent: number;
  sentByAction: Record<string, number>;
  /** Replies keyed `Action:status`, e.g. `Authorize:Accepted`; `Action:OK` when the conf has no status. */
  replies: Record<string, number>;
  callErrors: Record<string, number>;
  timeouts: Record<string, number>;
  latencyMs: HistogramSummary;
  latencyMsByAction: Record<string, HistogramSummary>;
}

export class Stats {
  connected = 0;
  closed = 0;
  messagesSent = 0;
  readonly connectionErrors = new Map<string, number>();
  readonly sentByAction = new Map<string, number>();
  readonly replies = new Map<string, number>();
  readonly callErrors = new Map<string, number>();
  readonly timeouts = new Map<string, number>();
  readonly latency = new Histogram();
  readonly latencyByAction = new Map<string, Histogram>();

  recordConnected(): void {
    this.connected++;
  }

  recordClosed(): void {
    this.closed++;
  }

  /** `kind` is an errno code (`EMFILE`, `ECONNREFUSED`) or `HTTP <status>` for a refused handshake. */
  recordConnectionError(kind: string): void {
    bump(this.connectionErrors, kind);
  }

  recordSent(action: string): void {
    this.messagesSent++;
    bump(this.sentByAction, action);
  }

  recordReply(action: string, status: string, latencyMs: number): void {
    bump(this.replies, `${action}:${status}`);
    this.recordLatency(action, latencyMs);
  }

  recordCallError(action: string, code: string, latencyMs: number): void {
    bump(this.callErrors, code);
    this.recordLatency(action, latencyMs);
  }

  recordTimeout(action: string): void {
    bump(this.timeouts, action);
  }

  /** Latency percentile in ms over all actions, or one action when given. */
  percentile(p: number, action?: string): number {
    const h = action === undefined ? this.latency : this.latencyByAction.get(action);
    return h ? h.percentile(p) : NaN;
  }

  summary(): StatsSummary {
    const byAction: Record<string, HistogramSummary> = {};
    for (const [action, h] of this.latencyByAction) byAction[action] = h.summary();
    return {
      connected: this.connected,
      closed: this.closed,
      connectionErrors: Object.fromEntries(this.connectionErrors),
      messagesSent: this.messagesSent,
      sentByAction: Object.fromEntries(this.sentByAction),
      replies: Object.fromEntries(this.replies),
      callErrors: Object.fromEntries(this.callErrors),
      timeouts: Object.fromEntries(this.timeouts),
      latencyMs: this.latency.summary(),
      latencyMsByAction: byAction,
    };
  }

  format(): string {
    const s = this.summary();
    const lines = [
      `connections: ${s.connected} opened, ${s.closed} closed, errors ${formatCounts(s.connectionErrors)}`,
      `messages sent: ${s.messagesSent} ${formatCounts(s.sentByAction)}`,
      `replies: ${formatCounts(s.replies)}`,
      `CALLERRORs: ${formatCounts(s.callErrors)}`,
      `timeouts: ${formatCounts(s.timeouts)}`,
      `latency (ms): ${formatLatency(s.latencyMs)}`,
    ];
    for (const [action, h] of Object.entries(s.latencyMsByAction)) {
      lines.push(`  ${action.padEnd(20)} ${formatLatency(h)}`);
    }
    return lines.join('\n');
  }

  private recordLatency(action: string, latencyMs: number): void {
    this.latency.record(latencyMs);
    let h = this.latencyByAction.get(action);
    if (!h) this.latencyByAction.set(action, (h = new Histogram()));
    h.record(latencyMs);
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return '-';
  return entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

function formatLatency(h: HistogramSummary): string {
  if (h.count === 0) return 'no samples';
  return `n=${h.count} p50=${h.p50} p90=${h.p90} p99=${h.p99} max=${h.max}`;
}

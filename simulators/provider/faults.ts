// Injected misbehaviour: which fault, if any, the next request on a path gets.
// Rules are tried in the order they were injected; a rule with `times` is
// used up one request at a time and then dropped.

import type { ServerResponse } from 'node:http';
import type { Fault, FaultRule, ProviderPath } from './types.js';
import { parseJson, sendText } from './http.js';

export class FaultTable {
  private rules: { path: FaultRule['path']; fault: Fault; left: number }[] = [];

  add(rule: FaultRule): void {
    const { times } = rule;
    if (times !== undefined && !(Number.isInteger(times) && times > 0)) {
      throw new RangeError(`fault times must be a positive integer, got ${times}`);
    }
    if (rule.fault.mode === 'latency' && !(rule.fault.ms >= 0)) {
      throw new RangeError(`latency ms must be >= 0, got ${rule.fault.ms}`);
    }
    this.rules.push({ path: rule.path, fault: rule.fault, left: times ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * The fault for this request, consuming one use of its rule. Without a path
   * only '*' rules apply: the event receiver has no endpoints to tell apart.
   */
  take(path?: ProviderPath): Fault | undefined {
    if (this.rules.length === 0) return undefined;
    const i = this.rules.findIndex((r) => r.path === path || r.path === '*');
    if (i < 0) return undefined;
    const rule = this.rules[i];
    if (--rule.left <= 0) this.rules.splice(i, 1);
    return rule.fault;
  }
}

/** Answers for the faults that replace the response; latency, hang and close are timing and socket matters for the server. */
export function sendFaultResponse(res: ServerResponse, fault: Extract<Fault, { mode: 'status' | 'malformed' }>): void {
  if (fault.mode === 'malformed') {
    // Claims JSON so the gateway cannot skip parsing on the content type alone.
    return sendText(res, 200, 'not json', { 'content-type': 'application/json' });
  }
  const body = fault.body ?? JSON.stringify({ error: `injected status ${fault.status}` });
  const headers = { 'content-type': parseJson(body).ok ? 'application/json' : 'text/plain', ...lowerKeys(fault.headers) };
  sendText(res, fault.status, body, headers);
}

// Lower-cased so a caller's 'Content-Type' replaces the default instead of sending the header twice.
function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

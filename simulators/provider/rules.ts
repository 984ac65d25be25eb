// The provider's session-start decision. Rules are compiled once (so a bad
// regex fails at setRules, not mid-benchmark) into an ordered chain that
// starts from a refusal and only upgrades it when a rule matches.

import type { Rules } from './types.js';

export type Decision =
  | { allowed: true; expiryDate?: string; cache?: false }
  | { allowed: false; status: string; reason?: string };

type Matcher = (idTag: string) => Decision | undefined;

export type Decide = (idTag: string) => Decision;

export function compileRules(rules: Rules): Decide {
  const allowed: Decision = rules.expiryDate ? { allowed: true, expiryDate: rules.expiryDate } : { allowed: true };
  const fallback: Decision = rules.defaultAllowed ? allowed : { allowed: false, status: 'Invalid' };

  const denied = new Map<string, Decision>();
  for (const d of rules.deny ?? []) {
    denied.set(d.idTag.toLowerCase(), d.reason ? { allowed: false, status: d.status, reason: d.reason } : { allowed: false, status: d.status });
  }
  const allowList = new Set((rules.allow ?? []).map((t) => t.toLowerCase()));
  const patterns = (rules.patterns ?? []).map((p) => ({
    regex: new RegExp(p.regex, 'i'),
    decision: p.allowed ? allowed : ({ allowed: false, status: p.status ?? 'Invalid' } as Decision),
  }));

  // Deny before allow: a tag on both lists is a configuration mistake, and refusing is the safe reading.
  const chain: Matcher[] = [
    (tag) => denied.get(tag),
    (tag) => (allowList.has(tag) ? allowed : undefined),
    (tag) => patterns.find((p) => p.regex.test(tag))?.decision,
  ];

  const noCache = new Set((rules.noCache ?? []).map((t) => t.toLowerCase()));
  const decide = (tag: string): Decision => {
    for (const match of chain) {
      const decision = match(tag);
      if (decision) return decision;
    }
    return fallback;
  };
  return (idTag) => {
    const tag = idTag.toLowerCase();
    const decision = decide(tag);
    return decision.allowed && noCache.has(tag) ? { ...decision, cache: false } : decision;
  };
}

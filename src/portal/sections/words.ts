/** Outcomes of notification actions, in the words a site owner reads. */

/** An attempt's outcome in words: "delivered (200)", "failed (503)", "failed (no answer: …)". */
export function describeAttempt(a: { ok: boolean; status: number | null; error: string | null }): string {
  if (a.ok) return `delivered (${a.status ?? 'ok'})`;
  return `failed (${a.status ?? (a.error ? `no answer: ${a.error}` : 'no answer')})`;
}

/** The ownership challenge's outcome in words. */
export function verificationWords(v: { verified: boolean; reason?: string }): string {
  return v.verified ? 'the endpoint proved it is yours' : `not proven (${v.reason ?? 'no answer'})`;
}

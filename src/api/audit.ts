import type { Request } from 'express';
import type { AuditChanges, AuditInput } from '../store/audit.js';
import { actorOf, callerOf } from './caller.js';

/** Fields whose values never enter the audit log: only that they changed. */
const SECRET_FIELDS = /(^|\.)(authPayload|password|secret|passwordSet)$/;

type Flat = Record<string, unknown>;

/** Nested objects become dotted keys ("authentication.authUrl"), so a change names the one setting. */
function flatten(value: unknown, prefix = '', out: Flat = {}): Flat {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = value;
  return out;
}

const IGNORED = new Set(['createdAt', 'updatedAt', 'id']);

/**
 * The settings that differ between `before` and `after` (either may be absent: created or
 * deleted). `touched` names secret fields the request set, since their masked views may not
 * differ although the secret did.
 */
export function changesBetween(before: unknown, after: unknown, touched: string[] = []): AuditChanges {
  const from = flatten(before);
  const to = flatten(after);
  const changes: AuditChanges = {};
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (IGNORED.has(key)) continue;
    const secret = SECRET_FIELDS.test(key);
    if (secret && (touched.includes(key) || JSON.stringify(from[key]) !== JSON.stringify(to[key]))) {
      changes[key.replace(/\.passwordSet$/, '.password')] = { changed: true };
    } else if (!secret && JSON.stringify(from[key]) !== JSON.stringify(to[key])) {
      changes[key] = { ...(from[key] !== undefined && { from: from[key] }), ...(to[key] !== undefined && { to: to[key] }) };
    }
  }
  for (const key of touched) changes[key] ??= { changed: true };
  return changes;
}

/** Secret fields a request body sets, by dotted name (for `touched`). */
export function secretFieldsIn(body: unknown): string[] {
  return Object.entries(flatten(body))
    .filter(([key, v]) => SECRET_FIELDS.test(key) && v !== undefined)
    .map(([key]) => key);
}

/** An audit entry by the caller of `req`, for `tx.audit` in the unit of work that makes the change. */
export function auditEntry(req: Request, entry: { installationId: string | null; action: string; target: string; changes?: AuditChanges }): AuditInput {
  return { ...entry, actor: actorOf(callerOf(req)), changes: entry.changes ?? {} };
}

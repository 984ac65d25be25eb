import type { Db } from './db.js';

export interface AuditActor {
  /** `operator`: the operator CLI (npm run admin), run on the gateway's host. */
  kind: 'user' | 'token' | 'admin-token' | 'operator';
  id?: string;
  label: string;
}

export type AuditChanges = Record<string, { from?: unknown; to?: unknown; changed?: true }>;

export interface AuditEntry {
  id: number;
  at: string;
  actor: AuditActor;
  action: string;
  target: string;
  changes: AuditChanges;
}

export interface AuditInput {
  installationId: string | null;
  actor: AuditActor;
  action: string;
  target: string;
  changes: AuditChanges;
}

/** Who changed which setting when. Secrets are masked by the caller (src/api/audit.ts) before they get here. */
export function auditStore(db: Db) {
  return {
    async record(e: AuditInput): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          installation_id: e.installationId,
          at: new Date().toISOString(),
          actor_kind: e.actor.kind,
          actor_id: e.actor.id ?? null,
          actor_label: e.actor.label,
          action: e.action,
          target: e.target,
          changes: JSON.stringify(e.changes),
        })
        .execute();
    },

    /** Newest first. */
    async list(installationId: string, limit: number, offset: number, only: { target?: string; action?: string } = {}): Promise<AuditEntry[]> {
      let q = db.selectFrom('audit_log').selectAll().where('installation_id', '=', installationId);
      if (only.target !== undefined) q = q.where('target', '=', only.target);
      if (only.action !== undefined) q = q.where('action', '=', only.action);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: { kind: r.actor_kind as AuditActor['kind'], ...(r.actor_id !== null && { id: r.actor_id }), label: r.actor_label },
        action: r.action,
        target: r.target,
        changes: JSON.parse(r.changes),
      }));
    },
  };
}

export type AuditStore = ReturnType<typeof auditStore>;

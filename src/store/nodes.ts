import { sql } from 'kysely';
import type { Db } from './db.js';

export interface NodeCall {
  id: string;
  chargerId: string;
  action: string;
  params: Record<string, unknown>;
  timeoutMs: number;
  fromNode: string;
  toNode: string;
}

/** Presence of the gateway nodes that share the database: who is alive, by heartbeat. */
export function nodeStore(db: Db) {
  return {
    async register(node: { id: string; host: string; pid: number }, at: string): Promise<void> {
      await db
        .insertInto('nodes')
        .values({ id: node.id, host: node.host, pid: node.pid, started_at: at, heartbeat_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ host: node.host, pid: node.pid, started_at: at, heartbeat_at: at }))
        .execute();
    },

    /** False when the row is gone: another node swept this one as dead. */
    async heartbeat(id: string, at: string): Promise<boolean> {
      const res = await db.updateTable('nodes').set({ heartbeat_at: at }).where('id', '=', id).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async remove(id: string): Promise<void> {
      await db.deleteFrom('nodes').where('id', '=', id).execute();
    },

    /** A NOTIFY to the nodes listening on `channel` (PostgreSQL only). */
    async notify(channel: string, payload: string): Promise<void> {
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
    },

    async isAlive(id: string, cutoff: string): Promise<boolean> {
      const row = await db.selectFrom('nodes').select('id').where('id', '=', id).where('heartbeat_at', '>=', cutoff).executeTakeFirst();
      return row !== undefined;
    },

    async onHost(host: string): Promise<{ id: string; pid: number }[]> {
      return db.selectFrom('nodes').select(['id', 'pid']).where('host', '=', host).execute();
    },

    async stale(cutoff: string): Promise<string[]> {
      const rows = await db.selectFrom('nodes').select('id').where('heartbeat_at', '<', cutoff).execute();
      return rows.map((r) => r.id);
    },

    /** Removes a dead node's row; true for the one sweeper that removed it (the others lost the race). */
    async claimDead(id: string, cutoff: string): Promise<boolean> {
      const res = await db.deleteFrom('nodes').where('id', '=', id).where('heartbeat_at', '<', cutoff).executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },

    /** Node ids chargers still name although no node row exists (a sweeper died half-way, a crash before 0006). */
    async orphanHolders(): Promise<string[]> {
      const rows = await db
        .selectFrom('chargers')
        .select('node_id')
        .distinct()
        .where('node_id', 'is not', null)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('nodes').select('nodes.id').whereRef('nodes.id', '=', 'chargers.node_id'))))
        .execute();
      return rows.map((r) => r.node_id as string);
    },
  };
}

/** Remote commands in flight between nodes; the NOTIFY only carries the id. */
export function nodeCallStore(db: Db) {
  return {
    async create(call: NodeCall, at: string): Promise<void> {
      await db
        .insertInto('node_calls')
        .values({
          id: call.id,
          charger_id: call.chargerId,
          action: call.action,
          params: JSON.stringify(call.params),
          timeout_ms: call.timeoutMs,
          from_node: call.fromNode,
          to_node: call.toNode,
          created_at: at,
          reply: null,
        })
        .execute();
    },

    async get(id: string): Promise<NodeCall | undefined> {
      const r = await db.selectFrom('node_calls').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return undefined;
      return { id: r.id, chargerId: r.charger_id, action: r.action, params: JSON.parse(r.params), timeoutMs: r.timeout_ms, fromNode: r.from_node, toNode: r.to_node };
    },

    async answer(id: string, reply: unknown): Promise<void> {
      await db.updateTable('node_calls').set({ reply: JSON.stringify(reply) }).where('id', '=', id).execute();
    },

    /** Reads the reply and removes the row; undefined while unanswered. */
    async takeReply(id: string): Promise<unknown> {
      const r = await db.deleteFrom('node_calls').where('id', '=', id).where('reply', 'is not', null).returning('reply').executeTakeFirst();
      return r?.reply ? JSON.parse(r.reply) : undefined;
    },

    async remove(id: string): Promise<void> {
      await db.deleteFrom('node_calls').where('id', '=', id).execute();
    },

    /** Rows left by a caller that died before reading its reply. */
    async prune(before: string): Promise<void> {
      await db.deleteFrom('node_calls').where('created_at', '<', before).execute();
    },
  };
}

export type NodeStore = ReturnType<typeof nodeStore>;
export type NodeCallStore = ReturnType<typeof nodeCallStore>;

import type { CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './db.js';

/**
 * A hot query built and compiled once, run with new parameters each time. Building and
 * compiling through Kysely was ~12 % of the gateway's CPU per Authorize; the SQL is the same
 * text for every call, only the values change. Parameters go in the order the builder used them.
 */
export function compiled<Row>(db: Db, build: (db: Db) => { compile(): CompiledQuery<Row> }) {
  let query: CompiledQuery<Row> | undefined;
  return async (...parameters: unknown[]): Promise<Row[]> => {
    query ??= build(db).compile();
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows;
  };
}

type Build<Row> = (db: Db) => { compile(): CompiledQuery<Row> };

/** A value to be given at each run, named: `slot('id')` in the builder, `{ id }` when it runs. */
export const slot = (name: string): string => `\u0000${name}`;
const slotName = (p: unknown) => (typeof p === 'string' && p.startsWith('\u0000') ? p.slice(1) : undefined);

/**
 * As compiled, for a `build` defined once at module level: compiled once per dialect and shared
 * by every store built on it, a transaction's included (modules are built anew per transaction,
 * so a query compiled per store would be compiled per transaction). The SQL depends on the
 * dialect alone, which the executor's adapter class names. Values given at each run fill the
 * builder's slots by name; the builder's other values stay as compiled.
 */
export function compiledOnce<Row>(build: Build<Row>) {
  const byDialect = new Map<unknown, { query: CompiledQuery<Row>; slots: (string | undefined)[] }>();
  return (db: Db, values: Record<string, unknown>): Promise<QueryResult<Row>> => {
    const dialect = db.getExecutor().adapter.constructor;
    let entry = byDialect.get(dialect);
    if (!entry) {
      const query = build(db).compile();
      entry = { query, slots: query.parameters.map(slotName) };
      byDialect.set(dialect, entry);
    }
    const { query, slots } = entry;
    const parameters = slots.map((name, i) => (name === undefined ? query.parameters[i] : values[name]));
    return db.executeQuery<Row>({ ...query, parameters });
  };
}

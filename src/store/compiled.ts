import type { CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './db.js';

type Build<Row> = (db: Db) => { compile(): CompiledQuery<Row> };

/** A value to be given at each run, named: `slot('id')` in the builder, `{ id }` when it runs. */
export const slot = (name: string): string => `\u0000${name}`;
const slotName = (p: unknown) => (typeof p === 'string' && p.startsWith('\u0000') ? p.slice(1) : undefined);

/**
 * A hot query built and compiled once, run with new values each time. Building and compiling
 * through Kysely was a large share of an Authorize's and a status write's cost
 * (docs/bench-log/2026-11.md); the SQL is the same text every time. Defined once at module level,
 * it is compiled once per dialect and shared by every store built on it, a transaction's included
 * (modules are built anew per transaction). The SQL depends on the dialect alone, which the
 * executor's adapter class names. Values given at each run fill the builder's slots by name; the
 * builder's other values stay as compiled.
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

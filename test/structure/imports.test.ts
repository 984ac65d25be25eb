import { describe, expect, it } from 'vitest';
import { cycles, databaseLeaks, databaseWordsIn, importGraph } from './imports.js';

// The tree is the architecture's map: these keep it true as the code grows.
describe('the import graph of src/', () => {
  const graph = importGraph('src');

  it('has no import from src/store/ up into a feature folder', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/store/') ? targets.filter((t) => /^src\/[^/]+\//.test(t) && !t.startsWith('src/store/')).map((t) => `${file} -> ${t}`) : [],
    );
    expect(upward).toEqual([]);
  });

  it('runs the delivery workers and their writes only on the delivery thread: nothing outside its folder imports them', () => {
    const threadOnly = ['entry', 'dispatcher', 'drain', 'workers', 'bookkeeping'].map((f) => `src/notifications/delivery/${f}.ts`);
    const across = [...graph].flatMap(([file, targets]) =>
      file.startsWith('src/notifications/delivery/') ? [] : targets.filter((t) => threadOnly.includes(t)).map((t) => `${file} -> ${t}`),
    );
    expect(across).toEqual([]);
    expect(graph.get('src/notifications/delivery/entry.ts')).toContain('src/notifications/delivery/dispatcher.ts');
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('sees the imports it checks (a store file reading another store file), and finds a cycle where there is one', () => {
    expect(graph.get('src/store/index.ts')).toContain('src/store/db.ts');
    const looped = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cycles(looped)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});

// One unit of work (store.transact) is the only way a change reaches the database from outside the store.
describe('the database handle', () => {
  it('appears only under src/store/: no Kysely, Db, trx or store.db elsewhere in src/', () => {
    expect(databaseLeaks('src', 'src/store/')).toEqual([]);
  });

  it('is found where a file names it', () => {
    const leaky = "import type { Db } from '../store/db.js';\nimport { sql } from 'kysely';\nawait deps.store.db.transaction().execute((trx) => f(trx));";
    expect(databaseWordsIn(leaky)).toEqual(['1: Db', "2: from 'kysely'", '3: .db', '3: trx', '3: trx']);
    expect(databaseWordsIn('await store.transact(async (tx) => tx.outbox.enqueue(item));')).toEqual([]);
  });
});

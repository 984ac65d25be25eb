import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every relative import of every .ts/.tsx file under `root`, type-only ones included, as repo paths. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g),
      ...text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]/g),
    ];
    const targets = specifiers.map((m) =>
      relative(process.cwd(), resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'),
    );
    graph.set(relative(process.cwd(), file), targets);
  }
  return graph;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Each cycle once, as the files it runs through. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const visit = (file: string, stack: string[]) => {
    const at = stack.indexOf(file);
    if (at >= 0) {
      found.push(stack.slice(at));
      return;
    }
    if (seen.has(file)) return;
    seen.add(file);
    const targets = graph.get(file) ?? graph.get(file.replace(/\.ts$/, '.tsx')) ?? [];
    for (const t of targets) visit(graph.has(t) ? t : t.replace(/\.ts$/, '.tsx'), [...stack, file]);
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

/** The database's own words: Kysely, its `Db` handle, a transaction's `trx`, a store's `.db`/`.logDb`. */
const DATABASE_WORDS = /from\s*['"]kysely['"]|\bKysely\b|\bDb\b|\btrx\b|\.(?:db|logDb)\b/g;

/** Where `text` names the database directly, as "line: word". */
export function databaseWordsIn(text: string): string[] {
  return text.split('\n').flatMap((line, i) => [...line.matchAll(DATABASE_WORDS)].map((m) => `${i + 1}: ${m[0]}`));
}

/** Files under `root`, except those under `except`, that name the database directly, with where. */
export function databaseLeaks(root: string, except: string): string[] {
  return sourceFiles(root)
    .map((file) => relative(process.cwd(), file))
    .filter((file) => !file.startsWith(except))
    .flatMap((file) => databaseWordsIn(readFileSync(file, 'utf8')).map((hit) => `${file}:${hit}`));
}

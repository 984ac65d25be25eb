// Where the bench's own files live, whether it runs compiled (dist/bench, `npm run bench`) or
// from source under tsx.

const compiled = import.meta.url.includes('/dist/bench/');

/** The project's bench/ folder: results are written there either way. */
export const BENCH_DIR = new URL(compiled ? '../../../bench/' : '../', import.meta.url);

/** The project root, for shortening paths in profiles. */
export const PROJECT_DIR = new URL(compiled ? '../../../' : '../../', import.meta.url);

/** A child entry named by its .ts source, as the running bench can start it. */
export function childEntry(entry: URL): { url: URL; loader: boolean } {
  return import.meta.url.endsWith('.js') ? { url: new URL(entry.href.replace(/\.ts$/, '.js')), loader: false } : { url: entry, loader: true };
}

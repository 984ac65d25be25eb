// Reads a .cpuprofile written by node --cpu-prof and sums self time per
// function, optionally over a window only: sample times are CLOCK_MONOTONIC µs,
// the clock of process.hrtime in any process on the machine, so the parent can
// name the window in which its load ran.

import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR } from '../lib/paths.js';
import { formatTable, show } from '../lib/table.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** Function name, `(anonymous)` when it has none. */
  fn: string;
  /** file:line, shortened to the package or the project path. */
  where: string;
  selfMs: number;
  /** Of the busy (non-idle) time in the window. */
  pct: number;
}

export interface ProfileSummary {
  file: string;
  windowMs: number;
  busyMs: number;
  top: SelfTime[];
  /** Self time summed per package, per src/ folder, node internals, GC. */
  byArea: { area: string; selfMs: number; pct: number }[];
}

/** The flags that make a child write its CPU profile into `dir` when it exits (none without a dir). */
export function cpuProfileFlags(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** The main thread's profile a child wrote into `dir` (its worker threads write their own), copied to `saveAs` and summarised over `window`. */
export function savedProfile(dir: string, saveAs: URL, window: { fromUs: number; toUs: number }): ProfileSummary {
  // Named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread.
  const file = readdirSync(dir).filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f)).sort().at(-1);
  if (!file) throw new Error(`the child wrote no .cpuprofile into ${dir}`);
  mkdirSync(new URL('.', saveAs), { recursive: true });
  copyFileSync(join(dir, file), saveAs);
  return summariseProfile(saveAs.pathname, window);
}

/** The summary as lines: a heading naming what ran, the top functions by self time, the areas. */
export function formatProfile(p: ProfileSummary, load: string): string[] {
  return [
    `gateway CPU profile (--cpu-prof) during ${load}: ${p.busyMs} ms busy of ${p.windowMs} ms; top self time (saved to ${p.file})`,
    formatTable(
      ['function', 'where', 'self ms', '% busy'],
      p.top.map((e) => [e.fn, e.where, String(e.selfMs), show(e.pct)]),
    ),
    `  self time by area: ${p.byArea.map((a) => `${a.area} ${show(a.pct)} %`).join(', ')}`,
  ];
}

/** Now on the profile's clock, for naming a window. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function summariseProfile(file: string, window: { fromUs: number; toUs: number }, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { fn: string; where: string; us: number }>();
  const areaUs = new Map<string, number>();
  let busyUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < window.fromUs || t > window.toUs) continue;
    const frame = byId.get(profile.samples[i])?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    busyUs += delta;
    const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName}@${where}`;
    const entry = selfUs.get(key) ?? { fn: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += delta;
    selfUs.set(key, entry);
    const area = areaOf(frame.url, frame.functionName);
    areaUs.set(area, (areaUs.get(area) ?? 0) + delta);
  }
  const pct = (us: number) => (busyUs ? Math.round((us / busyUs) * 1000) / 10 : 0);
  const entries = [...selfUs.values()].sort((a, b) => b.us - a.us).slice(0, top);
  return {
    file,
    windowMs: Math.round((window.toUs - window.fromUs) / 1000),
    busyMs: Math.round(busyUs / 1000),
    top: entries.map((e) => ({ fn: e.fn, where: e.where, selfMs: Math.round(e.us / 1000), pct: pct(e.us) })),
    byArea: [...areaUs]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), pct: pct(us) })),
  };
}

/** The package (kysely, undici…), the src/ folder, node internals, or what V8 names in parentheses. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const short = shorten(url);
  if (short === url.replace(/^file:\/\//, '')) return short.startsWith('wasm:') ? '(wasm)' : 'other';
  const parts = short.split('/');
  if (short.startsWith('src/') || short.startsWith('bench/') || short.startsWith('simulators/')) return parts.slice(0, 2).join('/');
  return parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const project = PROJECT_DIR.pathname;
  // The bench runs compiled code: dist/src/ocpp/… is src/ocpp/… for the reader.
  return path.startsWith(project) ? path.slice(project.length).replace(/^dist\//, '') : path;
}

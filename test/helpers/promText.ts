// A strict reader of the Prometheus text exposition format (version 0.0.4), as promtool and the
// Prometheus scraper read it: what it reports, a scrape would fail on or a linter would flag.
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?Inf|NaN)$/;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''] };

/** Label pairs of `{…}`, strictly: only \\, \" and \n escapes, quoted values, commas between. */
function readLabels(text: string, at: string, problems: string[]): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const name = /^[^=]*/.exec(text.slice(i))![0];
    if (!LABEL_NAME.test(name) || name.startsWith('__')) return void problems.push(`${at}: invalid label name "${name}"`);
    i += name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') return void problems.push(`${at}: label ${name} needs ="…"`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return void problems.push(`${at}: label ${name} is not closed`);
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === '\\' || next === '"') value += next;
        else if (next === 'n') value += '\n';
        else return void problems.push(`${at}: invalid escape sequence "\\${next ?? ''}" in label ${name}`);
        i += 2;
        continue;
      }
      if (c === '\n') return void problems.push(`${at}: raw line break in label ${name}`);
      value += c;
      i += 1;
    }
    i += 1;
    if (labels.has(name)) problems.push(`${at}: label ${name} twice`);
    labels.set(name, value);
    if (text[i] === ',') i += 1;
    else if (i < text.length) return void problems.push(`${at}: expected "," after label ${name}`);
  }
  return labels;
}

/** The family a sample belongs to, given the TYPE lines seen. */
function familyOf(name: string, types: Map<string, string>): string {
  if (types.has(name)) return name;
  for (const [family, type] of types) {
    if ((SUFFIXES[type] ?? []).some((s) => s && name === family + s)) return family;
  }
  return name;
}

/** Every problem in `text`; an empty list means a strict parser accepts it. */
export function checkExposition(text: string): string[] {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const finished = new Set<string>();
  const series = new Set<string>();
  const buckets = new Map<string, Set<string>>();
  let current: string | undefined;
  if (text.length > 0 && !text.endsWith('\n')) problems.push('the text does not end with a line break');
  text.split('\n').forEach((line, index) => {
    const at = `line ${index + 1}`;
    if (line === '') return;
    const meta = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (line.startsWith('#')) {
      if (!meta) return; // a plain comment
      const [, kind, name, rest = ''] = meta;
      if (!METRIC_NAME.test(name)) problems.push(`${at}: invalid metric name "${name}"`);
      if (kind === 'TYPE') {
        if (types.has(name)) problems.push(`${at}: second TYPE line for ${name}`);
        if (!TYPES.has(rest.trim())) problems.push(`${at}: unknown type "${rest}" for ${name}`);
        if (finished.has(name) || current === name) problems.push(`${at}: TYPE for ${name} after its samples`);
        types.set(name, rest.trim());
      } else {
        if (helps.has(name)) problems.push(`${at}: second HELP line for ${name}`);
        if (/\\(?![\\n])/.test(rest)) problems.push(`${at}: invalid escape sequence in the HELP of ${name}`);
        helps.add(name);
      }
      return;
    }
    const sample = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/.exec(line);
    if (!sample) return void problems.push(`${at}: not a sample line: ${line}`);
    const [, name, labelText = '', value] = sample;
    if (!METRIC_NAME.test(name)) problems.push(`${at}: invalid metric name "${name}"`);
    if (!VALUE.test(value)) problems.push(`${at}: invalid value "${value}"`);
    const labels = readLabels(labelText, at, problems);
    if (!labels) return;
    const family = familyOf(name, types);
    if (family !== current) {
      if (current) finished.add(current);
      if (finished.has(family)) problems.push(`${at}: samples of ${family} are not together`);
      current = family;
    }
    const key = `${name}{${[...labels].sort().map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    if (series.has(key)) problems.push(`${at}: duplicate series ${key}`);
    series.add(key);
    if (types.get(family) === 'histogram' && name === `${family}_bucket`) {
      if (!labels.has('le')) problems.push(`${at}: histogram bucket without le`);
      const rest = [...labels].filter(([k]) => k !== 'le').map(([k, v]) => `${k}=${v}`).join(',');
      const seen = buckets.get(`${family}{${rest}}`) ?? new Set();
      seen.add(labels.get('le') ?? '');
      buckets.set(`${family}{${rest}}`, seen);
    }
  });
  for (const [histogram, les] of buckets) if (!les.has('+Inf')) problems.push(`${histogram}: no +Inf bucket`);
  return problems;
}

/** Metric family names exposed (TYPE lines), with their sample names (a histogram's _bucket, _sum, _count). */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]);
    for (const s of SUFFIXES[m[2]] ?? []) names.add(m[1] + s);
  }
  return names;
}

import type { Schema } from '../commandSchemas.js';

/** A form's values, by dotted path; empty ones are left out of the payload. */
export type Values = Record<string, string>;

/** Abbreviations the spec writes in capitals. */
const CAPITALS = new Set(['evse', 'csr', 'url', 'ocpp', 'dn']);

/** A schema name in words a site owner reads: connectorId → "Connector id", evseId → "EVSE id". */
export function wordsOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  const text = words.map((w) => (CAPITALS.has(w) ? w.toUpperCase() : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const leaf = (s: Schema) => s.type !== 'object' || !s.properties;
const isObjectList = (s: Schema) => s.type === 'array' && s.items?.type === 'object';

/** Turns the form's text values into the request the schema describes (numbers, booleans, lists, nested objects). */
export function payloadOf(schema: Schema, values: Values, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (!leaf(s)) {
      const nested = payloadOf(s, values, path);
      if (Object.keys(nested).length > 0) out[name] = nested;
      continue;
    }
    const raw = values[path]?.trim();
    if (!raw) continue;
    out[name] = valueOf(s, raw);
  }
  return out;
}

function valueOf(s: Schema, raw: string): unknown {
  if (s.type === 'integer' || s.type === 'number') return Number.isNaN(Number(raw)) ? raw : Number(raw);
  if (s.type === 'boolean') return raw === 'true';
  if (isObjectList(s)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw; // the gateway names the field
    }
  }
  if (s.type === 'array') return raw.split(',').map((x) => valueOf(s.items ?? {}, x.trim()));
  return raw;
}

/**
 * One input per field of an OCPP request, from its JSON schema (labelled in words, named by its path): a list for an enumeration, a number
 * for an integer, a yes/no for a boolean, comma-separated values for a simple list, JSON for a list
 * of objects; nested objects as their own group. Required fields are marked; the gateway's message
 * for a field shows under it.
 */
export function SchemaForm({ schema, values, onChange, errors, prefix = '' }: { schema: Schema; values: Values; onChange: (path: string, value: string) => void; errors: Record<string, string>; prefix?: string }) {
  return (
    <>
      {Object.entries(schema.properties ?? {})
        .filter(([name]) => name !== 'customData')
        .map(([name, s]) => {
          const path = prefix ? `${prefix}.${name}` : name;
          const label = `${wordsOf(name)}${schema.required?.includes(name) ? ' *' : ''}`;
          if (!leaf(s)) {
            return (
              <fieldset key={path} data-testid={`group-${path}`}>
                <legend>{label}</legend>
                <SchemaForm schema={s} values={values} onChange={onChange} errors={errors} prefix={path} />
              </fieldset>
            );
          }
          return <Input key={path} path={path} label={label} schema={s} value={values[path] ?? ''} error={errors[path]} onChange={onChange} />;
        })}
    </>
  );
}

function Input({ path, label, schema: s, value, error, onChange }: { path: string; label: string; schema: Schema; value: string; error?: string; onChange: (path: string, value: string) => void }) {
  const id = `cmd-${path}`;
  const set = (e: { currentTarget: { value: string } }) => onChange(path, e.currentTarget.value);
  const choices = s.enum ?? (s.type === 'boolean' ? ['true', 'false'] : undefined);
  const hint = s.format === 'date-time' ? 'e.g. 2030-01-01T08:00:00Z' : s.type === 'array' ? (isObjectList(s) ? 'JSON list' : `comma-separated${s.items?.enum ? `: ${s.items.enum.join(', ')}` : ''}`) : undefined;
  return (
    <label for={id}>
      {label}
      {choices ? (
        <select id={id} name={path} value={value} onChange={set} aria-invalid={error ? 'true' : undefined}>
          <option value="">—</option>
          {choices.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      ) : isObjectList(s) ? (
        <textarea id={id} name={path} value={value} onInput={set} rows={3} aria-invalid={error ? 'true' : undefined} />
      ) : (
        <input id={id} name={path} value={value} onInput={set} inputMode={s.type === 'integer' || s.type === 'number' ? 'numeric' : undefined} placeholder={hint} aria-invalid={error ? 'true' : undefined} />
      )}
      {(error || hint) && <small data-field-error={error ? path : undefined}>{error ?? hint}</small>}
    </label>
  );
}

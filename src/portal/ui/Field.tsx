import type { ComponentChildren, InputHTMLAttributes, SelectHTMLAttributes } from 'preact';

type InputProps = InputHTMLAttributes<HTMLInputElement>;

/**
 * A labelled input with the API's message for it underneath. Pico CSS styles
 * `aria-invalid` red and a following <small> as its helper text.
 */
export function Field(props: InputProps & { label: string; error?: string; hint?: ComponentChildren }) {
  const { label, error, hint, ...input } = props;
  // An explicit id when two forms on one page ask for the same field (a password, say).
  const id = input.id ? String(input.id) : `f-${String(input.name)}`;
  return (
    <label for={id}>
      {label}
      <input id={id} {...input} aria-invalid={error ? 'true' : undefined} aria-describedby={`${id}-help`} />
      {(error || hint) && (
        <small id={`${id}-help`} data-field-error={error ? String(input.name) : undefined}>
          {error ?? hint}
        </small>
      )}
    </label>
  );
}

/** A choice: a value shown as itself, or with a label in words. */
export type Option = string | { value: string; label: string };

export function Select(props: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string; options: readonly Option[] }) {
  const { label, error, options, ...select } = props;
  const id = `f-${String(select.name)}`;
  return (
    <label for={id}>
      {label}
      <select id={id} {...select} aria-invalid={error ? 'true' : undefined}>
        {options.map((o) => {
          const { value, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option value={value} key={value}>
              {text}
            </option>
          );
        })}
      </select>
      {error && <small data-field-error={String(select.name)}>{error}</small>}
    </label>
  );
}

export function Checkbox(props: { label: string; name: string; checked: boolean; error?: string; onChange: (e: Event & { currentTarget: HTMLInputElement }) => void }) {
  const { label, error, name, checked, onChange } = props;
  return (
    <label>
      <input type="checkbox" role="switch" name={name} checked={checked} onChange={onChange} aria-invalid={error ? 'true' : undefined} />
      {label}
      {error && <small data-field-error={name}>{error}</small>}
    </label>
  );
}

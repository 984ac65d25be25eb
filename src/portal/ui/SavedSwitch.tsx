import { useState } from 'preact/hooks';
import { fieldError } from '../api.js';
import { Checkbox } from './Field.js';
import { ErrorNotice } from './Notice.js';
import { useSubmit } from './useSubmit.js';

/**
 * A switch saved as soon as it changes: shown at once, put back if the gateway refuses, with
 * the gateway's reason under it (the field's message, else the error).
 */
export function SavedSwitch(props: { label: string; name: string; value: boolean; save: (value: boolean) => Promise<unknown>; onSaved: () => Promise<void> }) {
  const { label, name, save, onSaved } = props;
  const form = useSubmit();
  const [checked, setChecked] = useState(props.value);
  async function toggle(value: boolean) {
    setChecked(value);
    if (await form.run(() => save(value).then(() => true))) await onSaved();
    else setChecked(!value);
  }
  const error = fieldError(form.fields, name);
  return (
    <fieldset>
      <Checkbox label={label} name={name} checked={checked} error={error} onChange={(e) => void toggle(e.currentTarget.checked)} />
      {!error && <ErrorNotice error={form.error} />}
    </fieldset>
  );
}

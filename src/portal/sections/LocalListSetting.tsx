import { useState } from 'preact/hooks';
import type { LocalListMode, LocalListSetting as Setting } from '../../store/installations.js';
import { api, fieldError } from '../api.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/** What each choice means at the charger, in the site owner's words. */
const MODE_LABELS: Record<LocalListMode, string> = {
  off: 'No list: chargers ask the gateway for every card',
  native: 'This installation’s cards (blocked and expired ones are refused offline)',
  'native+recent': 'This installation’s cards and the cards the provider accepted lately',
};

const MODES = (Object.keys(MODE_LABELS) as LocalListMode[]).map((value) => ({ value, label: MODE_LABELS[value] }));

const err = (fields: Record<string, string>, name: string) => fieldError(fields, `localList.${name}`, name);

/** The installation's localList setting: which cards its chargers keep, to decide alone while cut off. */
export function LocalListSetting({ installationId, current, onSaved }: { installationId: string; current: Setting; onSaved: () => Promise<void> }) {
  const [mode, setMode] = useState<LocalListMode>(current.mode);
  const [recentDays, setRecentDays] = useState(String(current.recentDays));
  const [done, setDone] = useState(false);
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    setDone(false);
    const localList = { mode, ...(mode === 'native+recent' && { recentDays: Number(recentDays) }) };
    if (await form.run(() => api('PATCH', `/api/installations/${encodeURIComponent(installationId)}`, { localList }))) {
      setDone(true);
      await onSaved();
    }
  }

  return (
    <form onSubmit={submit} data-testid="local-list-form">
      <h3>Cards kept on the chargers</h3>
      <p>A charger that loses its connection decides alone, from the list of cards the gateway keeps on it.</p>
      <Select label="Card list" name="mode" options={MODES} value={mode} error={err(form.fields, 'mode')} onChange={(e) => setMode(e.currentTarget.value as LocalListMode)} />
      {mode === 'native+recent' && (
        <Field
          label="Provider cards used in the last (days)"
          name="recentDays"
          type="number"
          min={1}
          max={365}
          value={recentDays}
          error={err(form.fields, 'recentDays')}
          onInput={(e) => setRecentDays(e.currentTarget.value)}
        />
      )}
      <ErrorNotice error={form.error} />
      {done && <Notice>Chargers get their new card list within seconds; one that is offline gets it when it returns.</Notice>}
      <button type="submit" aria-busy={form.busy}>Save card list</button>
    </form>
  );
}

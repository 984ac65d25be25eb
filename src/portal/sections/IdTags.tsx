import { useState } from 'preact/hooks';
import type { IdTag } from '../../store/idTags.js';
import { api, fieldError, itemsOf } from '../api.js';
import type { SectionProps } from '../views.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { ImportIdTags } from './ImportIdTags.js';

const STATUSES = ['Accepted', 'Blocked', 'Expired'] as const;

/** The native list: what chargers are told when the installation authenticates natively. */
export function IdTags({ installation }: SectionProps) {
  const base = `/api/installations/${encodeURIComponent(installation.id)}/id-tags`;
  const list = useLoad(() => api('GET', base).then((r) => itemsOf<IdTag>(r)), [base]);
  const row = useSubmit();
  const put = (tag: IdTag, status: string) =>
    row.run(() => api('POST', base, { idTag: tag.idTag, status, expiryDate: tag.expiryDate, parentIdTag: tag.parentIdTag })).then(list.reload);
  const remove = (tag: IdTag) => row.run(() => api('DELETE', `${base}/${encodeURIComponent(tag.idTag)}`)).then(list.reload);

  return (
    <section>
      <ErrorNotice error={list.error ?? row.error} />
      {!list.data && list.loading && <Loading />}
      {list.data?.length === 0 && <p>No id tag yet.</p>}
      {!!list.data?.length && (
        <div class="table-wrap">
          <table data-testid="id-tags">
            <thead><tr><th>Id tag</th><th>Status</th><th>Expires</th><th>Parent</th><th></th></tr></thead>
            <tbody>
              {list.data.map((t) => (
                <tr key={t.idTag}>
                  <td>{t.idTag}</td>
                  <td>{t.status}</td>
                  <td><When at={t.expiryDate} /></td>
                  <td>{t.parentIdTag ?? ''}</td>
                  <td class="actions">
                    {t.status !== 'Blocked' && <button class="outline" onClick={() => put(t, 'Blocked')}>Block</button>}
                    {t.status !== 'Expired' && <button class="outline" onClick={() => put(t, 'Expired')}>Expire</button>}
                    {t.status !== 'Accepted' && <button class="outline" onClick={() => put(t, 'Accepted')}>Accept</button>}
                    <button class="outline secondary" onClick={() => remove(t)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddIdTag base={base} onAdded={list.reload} />
      <ImportIdTags base={base} onImported={list.reload} />
    </section>
  );
}

function AddIdTag({ base, onAdded }: { base: string; onAdded: () => Promise<void> }) {
  const [idTag, setIdTag] = useState('');
  const [status, setStatus] = useState<string>('Accepted');
  const [expiry, setExpiry] = useState('');
  const [parent, setParent] = useState('');
  const form = useSubmit();
  async function submit(e: Event) {
    e.preventDefault();
    // datetime-local has no zone: it is the browser's local time, sent as UTC.
    const expiryDate = expiry ? new Date(expiry).toISOString() : null;
    if (await form.run(() => api('POST', base, { idTag, status, expiryDate, parentIdTag: parent || null }))) {
      setIdTag('');
      await onAdded();
    }
  }
  return (
    <details open>
      <summary>Add an id tag</summary>
      <form onSubmit={submit}>
        <div class="grid">
          <Field label="Id tag" name="idTag" required value={idTag} error={fieldError(form.fields, 'idTag')} onInput={(e) => setIdTag(e.currentTarget.value)} />
          <Select label="Status" name="status" options={STATUSES} value={status} error={fieldError(form.fields, 'status')} onChange={(e) => setStatus(e.currentTarget.value)} />
        </div>
        <div class="grid">
          <Field label="Expires (optional)" name="expiryDate" type="datetime-local" value={expiry} error={fieldError(form.fields, 'expiryDate')} onInput={(e) => setExpiry(e.currentTarget.value)} />
          <Field label="Parent id tag (optional)" name="parentIdTag" value={parent} error={fieldError(form.fields, 'parentIdTag')} onInput={(e) => setParent(e.currentTarget.value)} />
        </div>
        <ErrorNotice error={form.error} />
        <button type="submit" aria-busy={form.busy}>Add</button>
      </form>
    </details>
  );
}

import { useState } from 'preact/hooks';
import type { WithEnergyNow } from '../../ocpp/transactionEnergy.js';
import { api, itemsOf } from '../api.js';
import type { SectionProps } from '../views.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useLive } from '../ui/useLive.js';
import { SessionDetail } from './SessionDetail.js';

const kWh = (wh: number | null) => (wh === null ? '—' : `${(wh / 1000).toFixed(2)} kWh`);

interface Filters {
  chargerId: string;
  idTag: string;
  /** yyyy-mm-dd from the date inputs, read as local days. */
  from: string;
  to: string;
  status: 'any' | 'charging' | 'stopped';
}

const NO_FILTER: Filters = { chargerId: '', idTag: '', from: '', to: '', status: 'any' };

/** The API's query for the filters: days are the owner's local days, `to` includes its whole day. */
function query(installationId: string, f: Filters): string {
  const q = new URLSearchParams({ installationId });
  if (f.chargerId.trim()) q.set('chargerId', f.chargerId.trim());
  if (f.idTag.trim()) q.set('idTag', f.idTag.trim());
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set('to', new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString());
  if (f.status !== 'any') q.set('active', String(f.status === 'charging'));
  return q.toString();
}

/** Newest first, filtered; a started or stopped session shows up without a reload; the same list exports as CSV. */
export function Sessions({ installation }: SectionProps) {
  const [open, setOpen] = useState<number>();
  const [draft, setDraft] = useState<Filters>(NO_FILTER);
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const q = query(installation.id, filters);
  const list = useLoad(() => api('GET', `/api/transactions?${q}&limit=100`).then((r) => itemsOf<WithEnergyNow>(r)), [q]);
  useLive(installation.id, () => void list.reload());

  if (open !== undefined) return <SessionDetail id={open} onBack={() => setOpen(undefined)} />;
  const set = (key: keyof Filters) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [key]: e.currentTarget.value });
  return (
    <section>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setFilters(draft); }}>
        <Field label="Charger" name="chargerId" value={draft.chargerId} onInput={set('chargerId')} />
        <Field label="Id tag" name="idTag" value={draft.idTag} onInput={set('idTag')} />
        <Field label="From" name="from" type="date" value={draft.from} onInput={set('from')} />
        <Field label="To" name="to" type="date" value={draft.to} onInput={set('to')} />
        <Select label="Status" name="status" value={draft.status} options={['any', 'charging', 'stopped']} onChange={set('status')} />
        <div class="actions">
          <button type="submit">Filter</button>
          <a role="button" class="secondary" href={`/api/transactions.csv?${q}`} download="sessions.csv">Export CSV</a>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      {list.data?.length === 0 && <p>{q.includes('&') ? 'No session matches these filters.' : 'No session yet.'}</p>}
      {!!list.data?.length && (
        <div class="table-wrap">
          <table data-testid="sessions">
            <thead><tr><th>#</th><th>Charger</th><th>Id tag</th><th>Started</th><th>Stopped</th><th>Energy</th><th>Authorized</th></tr></thead>
            <tbody>
              {list.data.map((t) => (
                <tr key={t.id} data-testid={`session-${t.id}`}>
                  <td><a href="#" onClick={(e) => { e.preventDefault(); setOpen(t.id); }}>{t.id}</a></td>
                  <td>{t.chargerId}/{t.connectorId}</td>
                  <td>{t.idTag}</td>
                  <td><When at={t.startTime} /></td>
                  <td>{t.active ? <span class="badge ok">charging</span> : <When at={t.stop?.time} />}</td>
                  <td data-testid="session-energy">{t.active ? (t.energyNowWh === null ? '—' : `${kWh(t.energyNowWh)} so far`) : kWh(t.energyWh)}</td>
                  <td>{t.authorization.status} ({t.authorization.source})</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

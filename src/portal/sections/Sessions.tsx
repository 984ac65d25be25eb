import { useState } from 'preact/hooks';
import type { Transaction } from '../../store/transactions.js';
import { api, itemsOf } from '../api.js';
import type { SectionProps } from '../pages/Installation.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useLive } from '../ui/useLive.js';
import { SessionDetail } from './SessionDetail.js';

const kWh = (wh: number | null) => (wh === null ? '—' : `${(wh / 1000).toFixed(2)} kWh`);

/** Newest first; a started or stopped session shows up without a reload. */
export function Sessions({ installation }: SectionProps) {
  const [open, setOpen] = useState<number>();
  const list = useLoad(
    () => api('GET', `/api/transactions?installationId=${encodeURIComponent(installation.id)}&limit=100`).then((r) => itemsOf<Transaction>(r)),
    [installation.id],
  );
  useLive(installation.id, () => void list.reload());

  if (open !== undefined) return <SessionDetail id={open} onBack={() => setOpen(undefined)} />;
  return (
    <section>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      {list.data?.length === 0 && <p>No session yet.</p>}
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
                  <td>{kWh(t.energyWh)}</td>
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

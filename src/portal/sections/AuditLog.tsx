import { useState } from 'preact/hooks';
import type { AuditEntry } from '../../store/audit.js';
import { api } from '../api.js';
import type { SectionProps } from '../views.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';


const PAGE = 50;
const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Who changed which setting when; secrets arrive already masked. */
export function AuditLog({ installation }: SectionProps) {
  const [offset, setOffset] = useState(0);
  const page = useLoad(
    () => api<{ items: AuditEntry[] }>('GET', `/api/installations/${encodeURIComponent(installation.id)}/audit?limit=${PAGE}&offset=${offset}`),
    [installation.id, offset],
  );
  const items = page.data?.items;
  return (
    <section>
      <ErrorNotice error={page.error} />
      {!items && page.loading && <Loading />}
      {items?.length === 0 && <p>No change recorded.</p>}
      {!!items?.length && (
        <div class="table-wrap">
          <table data-testid="audit">
            <thead><tr><th>When</th><th>Who</th><th>What</th><th>Changes</th></tr></thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td><When at={a.at} /></td>
                  <td>{a.actor.label} <small>({a.actor.kind})</small></td>
                  <td>{a.action} {a.target}</td>
                  <td>
                    {Object.entries(a.changes ?? {}).map(([field, c]) => (
                      <div key={field}>
                        <code>{field}</code>: {c.changed && c.from === undefined && c.to === undefined ? 'changed' : `${show(c.from)} → ${show(c.to)}`}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="actions">
        <button class="outline" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
        <button class="outline" disabled={(items?.length ?? 0) < PAGE} onClick={() => setOffset(offset + PAGE)}>Older</button>
      </div>
    </section>
  );
}

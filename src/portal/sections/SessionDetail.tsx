import type { Transaction } from '../../store/transactions.js';
import type { OutboxState } from '../../store/outbox.js';
import { api } from '../api.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';

type Detail = Transaction & {
  meterValues: unknown[];
  sessionEnd: OutboxState | null;
  /** How it was authorized, with the provider's reply summary where the API gives one. */
  authorization: Transaction['authorization'] & Record<string, unknown>;
};

/** Key/value rows of whatever the API reports, so new fields show without a portal change. */
function Pairs({ value }: { value: Record<string, unknown> | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <dl>
      {Object.entries(value).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v !== null && typeof v === 'object' ? <pre>{JSON.stringify(v, null, 2)}</pre> : String(v ?? '—')}</dd>
        </div>
      ))}
    </dl>
  );
}

export function SessionDetail({ id, onBack }: { id: number; onBack: () => void }) {
  const tx = useLoad(() => api<Detail>('GET', `/api/transactions/${id}`), [id]);
  const t = tx.data;
  return (
    <section data-testid="session-detail">
      <p><a href="#" onClick={(e) => { e.preventDefault(); onBack(); }}>← Sessions</a></p>
      <ErrorNotice error={tx.error} />
      {!t && <Loading />}
      {t && (
        <>
          <h2>Session {t.id}</h2>
          <div class="grid">
            <article>
              <header>Charging</header>
              <p>Charger {t.chargerId}, connector {t.connectorId}, id tag {t.idTag}</p>
              <p>Started <When at={t.startTime} />, {t.stop ? <>stopped <When at={t.stop.time} /> ({t.stop.reason ?? 'no reason given'})</> : 'still charging'}</p>
              <p>Energy: <strong data-testid="energy">{t.energyWh === null ? '—' : `${t.energyWh} Wh`}</strong>{t.meterAnomaly ? ' (meter anomaly)' : ''} · {t.meterValues.length} meter samples</p>
            </article>
            <article>
              <header>Authorization</header>
              <Pairs value={t.authorization} />
              <p>Provider session: {t.providerSessionId ?? '—'}{t.authorizedOffline ? ' · accepted offline (provider unreachable)' : ''}</p>
            </article>
          </div>
          <article>
            <header>Session end sent to the provider</header>
            {t.sessionEnd ? (
              <p data-testid="session-end">
                {t.sessionEnd.status} after {t.sessionEnd.attempts} attempt(s)
                {t.sessionEnd.lastStatus ? `, last reply ${t.sessionEnd.lastStatus}` : ''}
                {t.sessionEnd.lastError ? `, last error: ${t.sessionEnd.lastError}` : ''}
                {t.sessionEnd.deliveredAt && <> · delivered <When at={t.sessionEnd.deliveredAt} /></>}
              </p>
            ) : (
              <p data-testid="session-end">Nothing to send (native authentication, or not ended yet).</p>
            )}
          </article>
        </>
      )}
    </section>
  );
}

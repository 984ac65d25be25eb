import { useEffect, useState } from 'preact/hooks';
import type { Subscription } from '../../store/subscriptions.js';
import type { DeliveryRecord } from '../../store/deliveries.js';
import { api, itemsOf, secondFactorCode, type SecondFactorCode } from '../api.js';
import { ErrorNotice, Loading, Notice, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { StateBadge } from './StateBadge.js';

interface Props {
  id: string;
  onBack: () => void;
  onGate: (code: SecondFactorCode) => void;
}

/** One subscription: its settings, its delivery log, and the buttons that act on it. */
export function SubscriptionDetail({ id, onBack, onGate }: Props) {
  const path = `/api/subscriptions/${encodeURIComponent(id)}`;
  const sub = useLoad(() => api<Subscription>('GET', path), [path]);
  const log = useLoad(() => api('GET', `${path}/deliveries?limit=50`).then((r) => itemsOf<DeliveryRecord>(r)), [path]);
  const action = useSubmit();
  const [said, setSaid] = useState<string>();
  const gate = secondFactorCode(action.error ?? sub.error ?? log.error);
  useEffect(() => {
    if (gate) onGate(gate);
  }, [gate]);

  async function act(what: string, method: string, suffix: string, body?: unknown) {
    setSaid(undefined);
    const reply = await action.run(() => api(method, `${path}${suffix}`, body));
    if (reply !== undefined || method === 'DELETE') setSaid(`${what}: ${summarise(reply)}`);
    await Promise.all([sub.reload(), log.reload()]);
  }
  const s = sub.data;
  return (
    <section data-testid="subscription-detail">
      <p><a href="#" onClick={(e) => { e.preventDefault(); onBack(); }}>← Subscriptions</a></p>
      <ErrorNotice error={sub.error} />
      {!s && <Loading />}
      {s && (
        <>
          <h2>{s.label} <StateBadge s={s} /></h2>
          <p>{s.url} · events {s.events.join(', ')} · signature {s.signature} · authentication {s.authentication.kind}
            {s.filter.idTagPattern ? ` · id tags /${s.filter.idTagPattern}/` : ''}{s.filter.chargers?.length ? ` · chargers ${s.filter.chargers.join(', ')}` : ''}</p>
          {s.stateReason && <p>Why: {s.stateReason}</p>}
          <div class="actions">
            <button onClick={() => act('Test', 'POST', '/test')}>Send test</button>
            {s.state === 'unverified' && <button class="secondary" onClick={() => act('Verify', 'POST', '/verify')}>Verify ownership</button>}
            <button class="secondary" onClick={() => act(s.enabled ? 'Disabled' : 'Enabled', 'PATCH', '', { enabled: !s.enabled })}>{s.enabled ? 'Disable' : 'Enable'}</button>
            <button class="outline secondary" onClick={async () => { await act('Deleted', 'DELETE', ''); onBack(); }}>Delete</button>
            <button class="outline" onClick={() => log.reload()}>Refresh log</button>
          </div>
          {said && <Notice>{said}</Notice>}
          {!gate && <ErrorNotice error={action.error} />}
        </>
      )}
      <h3>Deliveries</h3>
      {log.data?.length === 0 && <p>Nothing delivered yet.</p>}
      {!!log.data?.length && (
        <div class="table-wrap">
          <table data-testid="deliveries">
            <thead><tr><th>When</th><th>Event</th><th>Attempt</th><th>Result</th><th>Time</th><th></th></tr></thead>
            <tbody>
              {log.data.map((d) => (
                <tr key={`${d.eventId}-${d.attempt}-${d.at}`}>
                  <td><When at={d.at} /></td>
                  <td>{d.eventType} <small>({d.mode})</small></td>
                  <td>{d.attempt}</td>
                  <td><span class={`badge ${d.ok ? 'ok' : 'bad'}`}>{d.status ?? d.error ?? 'failed'}</span></td>
                  <td>{d.latencyMs} ms</td>
                  <td>{d.mode !== 'test' && <button class="outline" onClick={() => act('Redeliver', 'POST', '/redeliver', { eventId: d.eventId })}>Redeliver</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function summarise(reply: any): string {
  if (!reply || typeof reply !== 'object') return 'done';
  if ('ok' in reply) return reply.ok ? `delivered (${reply.status ?? 'ok'})` : `failed (${reply.status ?? reply.error ?? 'no reply'})`;
  return reply.state ?? 'done';
}

import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { DeliveryView } from '../../store/deliveries.js';
import { api, itemsOf, secondFactorCode, type SecondFactorCode } from '../api.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice, Notice, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { AttemptDetail } from './AttemptDetail.js';
import { describeAttempt } from './words.js';

const DAY = 86_400_000;
const RESULTS = [
  { value: '', label: 'any result' },
  { value: 'failed', label: 'failed' },
  { value: 'delivered', label: 'delivered' },
];

/** A datetime-local input's value (the owner's local time), `ms` from now. */
const localInput = (ms: number) => {
  const d = new Date(Date.now() + ms);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Attempts, newest first: filtered by result and event type, each opening onto what it sent and what came back. */
export function DeliveryLog({ path, types, onGate, version }: { path: string; types: string[]; onGate: (code: SecondFactorCode) => void; /** Changed: load again. */ version: number }) {
  const [status, setStatus] = useState('');
  const [eventType, setEventType] = useState('');
  const [since, setSince] = useState(() => localInput(-DAY));
  const [open, setOpen] = useState<number>();
  const [said, setSaid] = useState<string>();
  const q = new URLSearchParams({ limit: '50', ...(status && { status }), ...(eventType && { eventType }) }).toString();
  const log = useLoad(() => api('GET', `${path}/deliveries?${q}`).then((r) => itemsOf<DeliveryView>(r)), [path, q, version]);
  const action = useSubmit();
  const gate = secondFactorCode(action.error ?? log.error);
  useEffect(() => {
    if (gate) onGate(gate);
  }, [gate]);

  async function act(what: string, suffix: string, body: unknown, words: (reply: any) => string) {
    setSaid(undefined);
    const reply = await action.run(() => api('POST', `${path}${suffix}`, body));
    if (reply !== undefined) setSaid(`${what}: ${words(reply)}`);
    await log.reload();
  }
  const retryAll = (e: Event) => {
    e.preventDefault();
    void act('Retry all failed', '/retry-failed', { since: new Date(since).toISOString() }, (r) =>
      r.events === 0 ? 'nothing failed since then' : `sending ${r.events} event${r.events === 1 ? '' : 's'} again; refresh the log to see how they went`);
  };

  return (
    <section data-testid="delivery-log">
      <h3>Deliveries</h3>
      <div class="filters wide">
        <Select label="Result" name="status" value={status} options={RESULTS} onChange={(e) => setStatus(e.currentTarget.value)} />
        <Select label="Event type" name="eventType" value={eventType} options={[{ value: '', label: 'any event' }, ...types]} onChange={(e) => setEventType(e.currentTarget.value)} />
        <div class="actions">
          <button type="button" class="outline" onClick={() => log.reload()}>Refresh log</button>
        </div>
      </div>
      <form class="filters wide" onSubmit={retryAll} data-testid="retry-failed">
        <Field label="Failed since" name="since" type="datetime-local" required value={since} error={action.fields.since} onInput={(e) => setSince(e.currentTarget.value)} />
        <div class="actions">
          <button type="submit" class="secondary" aria-busy={action.busy}>Retry all failed since then</button>
        </div>
      </form>
      {said && <Notice>{said}</Notice>}
      {!gate && <ErrorNotice error={action.error ?? log.error} />}
      {log.data?.length === 0 && <p>{q.includes('&') ? 'No attempt matches these filters.' : 'Nothing delivered yet.'}</p>}
      {!!log.data?.length && (
        <div class="table-wrap">
          <table data-testid="deliveries">
            <thead><tr><th>When</th><th>Event</th><th class="wide-only">Attempt</th><th>Result</th><th class="wide-only">Time</th><th></th></tr></thead>
            <tbody>
              {log.data.map((d) => (
                <Fragment key={d.id}>
                  <tr>
                    <td><When at={d.at} /></td>
                    <td>{d.eventType} <small>({d.mode})</small></td>
                    <td class="wide-only">{d.attempt}</td>
                    <td><span class={`badge ${d.ok ? 'ok' : 'bad'}`}>{d.status ?? d.error ?? 'failed'}</span></td>
                    <td class="wide-only">{d.latencyMs} ms</td>
                    <td class="actions">
                      <button class="outline" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? undefined : d.id)}>Details</button>
                      {d.mode !== 'test' && <button class="outline" onClick={() => act('Redeliver', '/redeliver', { eventId: d.eventId }, describeAttempt)}>Redeliver</button>}
                    </td>
                  </tr>
                  {open === d.id && (
                    <tr><td colSpan={6}><div class="in-row"><AttemptDetail d={d} /></div></td></tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

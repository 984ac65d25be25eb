import { useEffect, useState } from 'preact/hooks';
import type { Subscription } from '../../store/subscriptions.js';
import { api, secondFactorCode, type SecondFactorCode } from '../api.js';
import { ErrorNotice, Loading, Notice } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { StateBadge } from './StateBadge.js';
import { eventTypes } from './eventTypes.js';
import { SendTest } from './SendTest.js';
import { SigningSecret } from './SigningSecret.js';
import { DeliveryLog } from './DeliveryLog.js';
import { verificationWords } from './words.js';

interface Props {
  id: string;
  onBack: () => void;
  onGate: (code: SecondFactorCode) => void;
}

/** Where a subscription sends, in a line. */
export function targetOf(s: Subscription): string {
  return s.kind === 'kafka' && s.kafka ? `Kafka topic ${s.kafka.topic} on ${s.kafka.brokers.join(', ')}` : (s.url ?? '');
}

/** One subscription: its settings, the buttons that act on it, its signing secret and its delivery log. */
export function SubscriptionDetail({ id, onBack, onGate }: Props) {
  const path = `/api/subscriptions/${encodeURIComponent(id)}`;
  const sub = useLoad(() => api<Subscription>('GET', path), [path]);
  const [types, setTypes] = useState<string[]>([]);
  const [logVersion, setLogVersion] = useState(0);
  const action = useSubmit();
  const [said, setSaid] = useState<string>();
  const gate = secondFactorCode(action.error ?? sub.error);
  useEffect(() => void eventTypes().then(setTypes), []);
  useEffect(() => {
    if (gate) onGate(gate);
  }, [gate]);

  async function act(what: string, method: string, suffix: string, body?: unknown) {
    setSaid(undefined);
    const reply = await action.run(() => api(method, `${path}${suffix}`, body));
    if (reply !== undefined || method === 'DELETE') setSaid(`${what}: ${reply?.verification ? verificationWords(reply.verification) : (reply?.state ?? 'done')}`);
    await sub.reload();
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
          <p>{targetOf(s)} · events {s.events.join(', ')}{s.kind === 'webhook' ? ` · signature ${s.signature} · authentication ${s.authentication.kind}` : ''}
            {s.filter.idTagPattern ? ` · id tags /${s.filter.idTagPattern}/` : ''}{s.filter.chargers?.length ? ` · chargers ${s.filter.chargers.join(', ')}` : ''}</p>
          {s.stateReason && <p>Why: {s.stateReason}</p>}
          <div class="actions">
            {s.kind === 'webhook' && s.verify && s.state === 'unverified' && <button class="secondary" onClick={() => act('Ownership', 'POST', '/verify')}>Verify ownership</button>}
            {/* The challenge runs at once; until it passes, nothing is sent. */}
            {s.kind === 'webhook' && !s.verify && <button class="secondary" onClick={() => act('Ownership', 'PATCH', '', { verify: true })}>Require proof of ownership</button>}
            <button class="secondary" onClick={() => act(s.enabled ? 'Disabled' : 'Enabled', 'PATCH', '', { enabled: !s.enabled })}>{s.enabled ? 'Disable' : 'Enable'}</button>
            <button class="outline secondary" onClick={async () => { await act('Deleted', 'DELETE', ''); onBack(); }}>Delete</button>
          </div>
          {said && <Notice>{said}</Notice>}
          {!gate && <ErrorNotice error={action.error} />}
          <SendTest path={path} sub={s} types={types} onSent={() => setLogVersion((v) => v + 1)} />
          {s.kind === 'webhook' && <SigningSecret path={path} sub={s} onChanged={sub.reload} />}
        </>
      )}
      <DeliveryLog path={path} types={types} onGate={onGate} version={logVersion} />
    </section>
  );
}

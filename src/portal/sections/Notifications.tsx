import { useState } from 'preact/hooks';
import type { Subscription } from '../../store/subscriptions.js';
import { api, itemsOf, secondFactorCode, type SecondFactorCode } from '../api.js';
import type { SectionProps } from '../views.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { SecondFactorGate } from './SecondFactor.js';
import { NewSubscription } from './NewSubscription.js';
import { SubscriptionDetail, targetOf } from './SubscriptionDetail.js';
import { StateBadge } from './StateBadge.js';

/** Subscriptions to this installation's events; they hold signing keys, so a fresh second factor first. */
export function Notifications({ installation, onMe }: SectionProps) {
  // The dashboard links straight to a failing subscription (?subscription=id).
  const [open, setOpen] = useState<string | undefined>(() => new URLSearchParams(location.search).get('subscription') ?? undefined);
  const back = () => {
    if (location.search) history.replaceState(null, '', location.pathname);
    setOpen(undefined);
    void list.reload();
  };
  const [asked, setGate] = useState<SecondFactorCode>();
  const list = useLoad(
    () => api('GET', `/api/subscriptions?installationId=${encodeURIComponent(installation.id)}`).then((r) => itemsOf<Subscription>(r)),
    [installation.id],
  );
  const listGate = secondFactorCode(list.error);
  // Derived in the same render: a list that asks for the factor never shows its form first.
  const gate = asked ?? listGate;

  if (gate) {
    return (
      <SecondFactorGate
        code={gate}
        onMe={onMe}
        then={async () => {
          setGate(undefined);
          await list.reload();
        }}
      />
    );
  }
  if (open) return <SubscriptionDetail id={open} onBack={back} onGate={setGate} />;
  return (
    <section data-testid="notifications">
      {!listGate && <ErrorNotice error={list.error} />}
      {!list.data && list.loading && <Loading />}
      {list.data?.length === 0 && <p>No subscription yet.</p>}
      {!!list.data?.length && (
        <div class="table-wrap">
          <table data-testid="subscriptions">
            <thead><tr><th>Label</th><th>Target</th><th>Events</th><th>State</th></tr></thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id}>
                  <td><a href="#" onClick={(e) => { e.preventDefault(); setOpen(s.id); }}>{s.label}</a></td>
                  <td>{targetOf(s)}</td>
                  <td>{s.events.join(', ')}</td>
                  <td><StateBadge s={s} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewSubscription installationId={installation.id} onCreated={list.reload} onGate={setGate} />
    </section>
  );
}

import type { Charger, Registration } from '../../store/chargers.js';
import { api } from '../api.js';
import { ErrorNotice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

const MEANING: Record<Registration, string> = {
  accepted: 'Its BootNotification is accepted and the gateway serves it.',
  pending: 'Its BootNotification is answered Pending; the gateway may configure it, but serves nothing it sends until you accept it.',
  rejected: 'Its BootNotification is answered Rejected and nothing else it sends is served.',
};
const ACTIONS: [Registration, string][] = [
  ['accepted', 'Accept'],
  ['pending', 'Hold pending'],
  ['rejected', 'Reject'],
];

/** How the charger's BootNotification is answered, and buttons to change it (a connected charger is asked to boot again at once). */
export function ChargerRegistration({ charger, onChanged }: { charger: Charger; onChanged: () => Promise<void> }) {
  const form = useSubmit();
  async function set(registration: Registration) {
    const path = `/api/chargers/${encodeURIComponent(charger.id)}/registration`;
    if (await form.run(() => api('PUT', path, { registration }))) await onChanged();
  }
  return (
    <div data-testid="registration">
      <p>
        <span class={`badge ${charger.registration === 'accepted' ? 'ok' : 'bad'}`}>{charger.registration}</span> {MEANING[charger.registration]}
      </p>
      <p>
        {ACTIONS.filter(([r]) => r !== charger.registration).map(([r, label]) => (
          <button key={r} class="secondary" disabled={form.busy} aria-busy={form.busy} onClick={() => set(r)}>
            {label}
          </button>
        ))}
      </p>
      <ErrorNotice error={form.error} />
    </div>
  );
}

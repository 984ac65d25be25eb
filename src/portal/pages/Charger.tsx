import type { AuditEntry } from '../../store/audit.js';
import type { Charger, Connector } from '../../store/chargers.js';
import type { ChargingProfile } from '../../store/chargingProfiles.js';
import type { Reservation } from '../../store/reservations.js';
import { api, itemsOf } from '../api.js';
import { useSubmit } from '../ui/useSubmit.js';
import { linkTo } from '../router.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { CommandHistory } from '../sections/CommandHistory.js';
import { SendCommand } from '../sections/SendCommand.js';
import { ChargerRegistration } from '../sections/ChargerRegistration.js';

interface Operations {
  charger: Charger & { connectors: Connector[] };
  reservations: Reservation[];
  profiles: ChargingProfile[];
  /** Undefined for a caller who may not read the audit log (owners only). */
  history?: AuditEntry[];
}

async function load(id: string): Promise<Operations> {
  const path = `/api/chargers/${encodeURIComponent(id)}`;
  const charger = await api<Operations['charger']>('GET', path);
  const query = `?action=charger.command&target=${encodeURIComponent(id)}&limit=50`;
  const [reservations, profiles, history] = await Promise.all([
    api('GET', `${path}/reservations`).then(itemsOf<Reservation>),
    api('GET', `${path}/charging-profiles`).then(itemsOf<ChargingProfile>),
    api('GET', `/api/installations/${encodeURIComponent(charger.installationId)}/audit${query}`).then(itemsOf<AuditEntry>, () => undefined),
  ]);
  return { charger, reservations, profiles, history };
}

/** One charger's operations: every command of its version, its reservations, charging profiles, firmware and log status, and the commands sent. */
export function ChargerPage({ id }: { id: string }) {
  const page = useLoad(() => load(id), [id]);
  if (!page.data) return page.error ? <ErrorNotice error={page.error} /> : <Loading />;
  const { charger, reservations, profiles, history } = page.data;
  const version = charger.ocppVersion;
  return (
    <section data-testid="charger-operations">
      <p><a {...linkTo(`/installations/${encodeURIComponent(charger.installationId)}`)}>← Chargers</a></p>
      <h1>
        {charger.id} <span class={`badge ${charger.online ? 'ok' : 'bad'}`}>{charger.online ? 'online' : 'offline'}</span>{' '}
        {version && <span class="badge">OCPP {version}</span>}
      </h1>
      <p>
        Firmware: <span data-testid="firmware-status">{charger.firmwareStatus?.status ?? 'no update reported'}</span> {charger.firmwareStatus && <When at={charger.firmwareStatus.at} />}
        {' · '}Log upload: <span data-testid="diagnostics-status">{charger.diagnosticsStatus?.status ?? 'none reported'}</span> {charger.diagnosticsStatus && <When at={charger.diagnosticsStatus.at} />}
      </p>
      <h2>Registration</h2>
      <ChargerRegistration charger={charger} onChanged={page.reload} />
      <h2>Send a command</h2>
      {version ? <SendCommand chargerId={charger.id} ocppVersion={version} online={charger.online} onSent={page.reload} /> : <p>The charger has not connected yet: its OCPP version, and so its commands, are not known.</p>}
      <h2>Reservations</h2>
      {reservations.length === 0 ? <p>No reservation.</p> : (
        <div class="table-wrap">
          <table data-testid="reservations">
            <thead><tr><th>Id</th><th>Connector</th><th>For</th><th>Until</th><th>Status</th><th></th></tr></thead>
            <tbody>
              {reservations.map((r) => (
                <tr key={r.reservationId} data-testid={`reservation-${r.reservationId}`}>
                  <td>{r.reservationId}</td><td>{r.connectorId || 'any'}</td><td>{r.idTag}{r.parentIdTag && ` (group ${r.parentIdTag})`}</td>
                  <td><When at={r.expiryDate} /></td><td>{r.status}</td>
                  <td>{r.status === 'active' && <CancelReservation chargerId={charger.id} reservationId={r.reservationId} online={charger.online} onDone={page.reload} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Charging profiles set by the gateway</h2>
      {profiles.length === 0 ? <p>No charging profile.</p> : (
        <div class="table-wrap">
          <table data-testid="charging-profiles">
            <thead><tr><th>Id</th><th>Connector</th><th>Purpose</th><th>Stack level</th><th>Set</th></tr></thead>
            <tbody>
              {profiles.map((p) => (
                <tr key={p.profileId}><td>{p.profileId}</td><td>{p.connectorId || 'whole charger'}</td><td>{p.purpose}</td><td>{p.stackLevel}</td><td><When at={p.setAt} /></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {history && (
        <>
          <h2>Commands sent</h2>
          <CommandHistory items={history} />
        </>
      )}
    </section>
  );
}

/** CancelReservation for one reservation; the charger's refusal is shown beside the button. */
function CancelReservation({ chargerId, reservationId, online, onDone }: { chargerId: string; reservationId: number; online: boolean; onDone: () => Promise<void> }) {
  const form = useSubmit();
  async function cancel() {
    const path = `/api/chargers/${encodeURIComponent(chargerId)}/commands/CancelReservation`;
    const reply = await form.run(() => api<{ result: { status: string } }>('POST', path, { reservationId }));
    if (reply?.result.status === 'Accepted') await onDone();
    else if (reply) form.setError(new Error(`The charger answered ${reply.result.status}`));
  }
  return (
    <>
      <button class="secondary" disabled={!online || form.busy} aria-busy={form.busy} onClick={cancel}>Cancel</button>
      <ErrorNotice error={form.error} />
    </>
  );
}

import { useState } from 'preact/hooks';
import type { Charger } from '../../store/chargers.js';
import type { SecurityEvent } from '../../store/securityEvents.js';
import { api, itemsOf } from '../api.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';

/** What a 2.0.1/2.1 charger reported of itself (NotifyReport) and the security events it sent; loaded when opened. */
export function ChargerDevice({ charger }: { charger: Charger }) {
  // 1.6 has no device model: its boot line above says what the charger is.
  const reports = charger.ocppVersion !== '1.6' || charger.deviceModel;
  return (
    <>
      {reports && <DeviceModelView charger={charger} />}
      <SecurityEvents chargerId={charger.id} />
    </>
  );
}

function DeviceModelView({ charger }: { charger: Charger }) {
  const m = charger.deviceModel;
  return (
    <details data-testid="device-model">
      <summary>Device model</summary>
      {!m ? (
        <p>No report yet (the GetBaseReport command asks for one).</p>
      ) : (
        <>
          <p>
            {[m.vendor, m.model].filter(Boolean).join(' ')} {m.serialNumber && <>· serial {m.serialNumber}</>} {m.firmwareVersion && <>· firmware {m.firmwareVersion}</>} · reported <When at={m.generatedAt} />
          </p>
          <ul>
            {m.evses.map((e) => (
              <li key={e.id} data-testid={`evse-${e.id}`}>EVSE {e.id}: {e.connectors.map((c) => `connector ${c.id}${c.type ? ` (${c.type})` : ''}`).join(', ') || 'no connector reported'}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}

function SecurityEvents({ chargerId }: { chargerId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details data-testid="security-events" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Security events</summary>
      {open && <SecurityEventList chargerId={chargerId} />}
    </details>
  );
}

function SecurityEventList({ chargerId }: { chargerId: string }) {
  const list = useLoad(async () => itemsOf<SecurityEvent>(await api('GET', `/api/chargers/${encodeURIComponent(chargerId)}/security-events`)), [chargerId]);
  if (!list.data) return list.error ? <ErrorNotice error={list.error} /> : <Loading />;
  if (list.data.length === 0) return <p>None reported.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th>Type</th><th>At</th><th>Details</th></tr></thead>
        <tbody>
          {list.data.map((e) => (
            <tr key={e.id} data-testid="security-event"><td>{e.type}</td><td><When at={e.timestamp} /></td><td>{e.techInfo ?? ''}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

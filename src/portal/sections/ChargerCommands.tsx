import { useState } from 'preact/hooks';
import type { Charger, Connector } from '../../store/chargers.js';
import type { Transaction } from '../../store/transactions.js';
import { api, itemsOf } from '../api.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/** Start, stop, reset and unlock, each one POST /api/chargers/:id/commands/:action with its OCPP payload. */
export function ChargerCommands({ charger, onDone }: { charger: Charger & { connectors: Connector[] }; onDone: () => Promise<void> }) {
  const connectors = charger.connectors.filter((k) => k.connectorId > 0).map((k) => k.connectorId);
  const [connectorId, setConnectorId] = useState(connectors[0] ?? 1);
  const [idTag, setIdTag] = useState('');
  const [answer, setAnswer] = useState<string>();
  const form = useSubmit();
  const path = (action: string) => `/api/chargers/${encodeURIComponent(charger.id)}/commands/${action}`;

  async function send(action: string, payload: object | (() => Promise<object>)) {
    setAnswer(undefined);
    const reply = await form.run(async () => api<{ result: { status?: string } }>('POST', path(action), typeof payload === 'function' ? await payload() : payload));
    if (reply) {
      setAnswer(`${action}: ${reply.result?.status ?? 'sent'}`);
      await onDone();
    }
  }
  // The charger's running transaction on this connector, which RemoteStopTransaction names.
  async function activeTransaction(): Promise<object> {
    const reply = await api('GET', `/api/transactions?chargerId=${encodeURIComponent(charger.id)}&active=true`);
    const tx = itemsOf<Transaction>(reply).find((t) => t.connectorId === connectorId) ?? itemsOf<Transaction>(reply)[0];
    if (!tx) throw new Error('No session is running on this charger');
    return { transactionId: tx.id };
  }

  return (
    <details>
      <summary>Commands</summary>
      <div class="grid">
        <label>
          Connector
          <select name="connectorId" value={connectorId} onChange={(e) => setConnectorId(Number(e.currentTarget.value))}>
            {(connectors.length ? connectors : [1]).map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
        <label>
          Id tag (for start)
          <input name="idTag" value={idTag} onInput={(e) => setIdTag(e.currentTarget.value)} />
        </label>
      </div>
      <div class="actions">
        <button disabled={!charger.online || form.busy} onClick={() => send('RemoteStartTransaction', { connectorId, idTag })}>Start</button>
        <button disabled={!charger.online || form.busy} onClick={() => send('RemoteStopTransaction', activeTransaction)}>Stop</button>
        <button class="secondary" disabled={!charger.online || form.busy} onClick={() => send('Reset', { type: 'Soft' })}>Reset</button>
        <button class="secondary" disabled={!charger.online || form.busy} onClick={() => send('UnlockConnector', { connectorId })}>Unlock</button>
      </div>
      {answer && <Notice>{answer}</Notice>}
      <ErrorNotice error={form.error} />
    </details>
  );
}

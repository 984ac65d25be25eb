import { useState } from 'preact/hooks';
import type { Charger, Connector } from '../../store/chargers.js';
import type { Transaction } from '../../store/transactions.js';
import { api, itemsOf } from '../api.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/** A 2.0.1 connector sits on an EVSE, a 2.0.1 transaction has the charger's own id (optional: 1.6 rows have neither). */
type Place = Connector & { evseId?: number | null };
type RunningTransaction = Transaction & { evseId?: number | null; chargerTransactionId?: string };

/** OCPP 2.0.1 IdTokenEnumType. */
const ID_TOKEN_TYPES = ['Central', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'eMAID', 'MacAddress', 'NoAuthorization'] as const;

/**
 * Start, stop, reset and unlock (and, for 2.0.1 and 2.1, read a variable), each one
 * POST /api/chargers/:id/commands/:action with the payload of the charger's own OCPP version.
 */
export function ChargerCommands({ charger, onDone }: { charger: Charger & { connectors: Connector[] }; onDone: () => Promise<void> }) {
  const v16 = (charger.ocppVersion ?? '1.6') === '1.6';
  const places = placesOf(charger.connectors as Place[], v16);
  const [place, setPlace] = useState(0);
  const { evseId, connectorId } = places[place] ?? places[0];
  const [idTag, setIdTag] = useState('');
  const [idTokenType, setIdTokenType] = useState<string>('Central');
  const [variable, setVariable] = useState('OCPPCommCtrlr.HeartbeatInterval');
  const [answer, setAnswer] = useState<string>();
  const form = useSubmit();
  const path = (action: string) => `/api/chargers/${encodeURIComponent(charger.id)}/commands/${action}`;

  async function send(action: string, payload: object | (() => Promise<object>)) {
    setAnswer(undefined);
    const reply = await form.run(async () => api<{ result: Record<string, any> }>('POST', path(action), typeof payload === 'function' ? await payload() : payload));
    if (reply) {
      setAnswer(`${action}: ${summary(reply.result)}`);
      await onDone();
    }
  }
  // The charger's running transaction here, which the stop request names (2.0.1: by the charger's own id).
  async function stopPayload(): Promise<object> {
    const running = itemsOf<RunningTransaction>(await api('GET', `/api/transactions?chargerId=${encodeURIComponent(charger.id)}&active=true`));
    const tx = running.find((t) => (v16 ? t.connectorId === connectorId : t.evseId === evseId)) ?? running[0];
    if (!tx) throw new Error('No session is running on this charger');
    return v16 ? { transactionId: tx.id } : { transactionId: tx.chargerTransactionId ?? String(tx.id) };
  }
  const [component, name] = variable.split('.');
  const commands: [label: string, action: string, payload: object | (() => Promise<object>)][] = v16
    ? [
        ['Start', 'RemoteStartTransaction', { connectorId, idTag }],
        ['Stop', 'RemoteStopTransaction', stopPayload],
        ['Reset', 'Reset', { type: 'Soft' }],
        ['Unlock', 'UnlockConnector', { connectorId }],
      ]
    : [
        ['Start', 'RequestStartTransaction', async () => ({ idToken: { idToken: idTag, type: idTokenType }, remoteStartId: remoteStartId(), evseId })],
        ['Stop', 'RequestStopTransaction', stopPayload],
        ['Reset', 'Reset', { type: 'OnIdle' }],
        ['Unlock', 'UnlockConnector', { evseId, connectorId }],
        ['Get variable', 'GetVariables', { getVariableData: [{ component: { name: component }, variable: { name: name ?? '' } }] }],
      ];

  return (
    <details>
      <summary>Commands</summary>
      <div class="grid">
        <label>
          {v16 ? 'Connector' : 'EVSE / connector'}
          <select name="place" value={place} onChange={(e) => setPlace(Number(e.currentTarget.value))}>
            {places.map((p, k) => <option key={k} value={k}>{v16 ? p.connectorId : `${p.evseId} / ${p.connectorId}`}</option>)}
          </select>
        </label>
        <label>
          Id tag (for start)
          <input name="idTag" value={idTag} onInput={(e) => setIdTag(e.currentTarget.value)} />
        </label>
        {!v16 && (
          <label>
            Id token type
            <select name="idTokenType" value={idTokenType} onChange={(e) => setIdTokenType(e.currentTarget.value)}>
              {ID_TOKEN_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </label>
        )}
        {!v16 && (
          <label>
            Component.variable
            <input name="variable" value={variable} onInput={(e) => setVariable(e.currentTarget.value)} />
          </label>
        )}
      </div>
      <div class="actions">
        {commands.map(([label, action, payload], k) => (
          <button key={action} class={k < 2 ? undefined : 'secondary'} disabled={!charger.online || form.busy} onClick={() => send(action, payload)}>
            {label}
          </button>
        ))}
      </div>
      {answer && <Notice>{answer}</Notice>}
      <ErrorNotice error={form.error} />
    </details>
  );
}

/** Where a command may act: 1.6 connectors, or 2.0.1 EVSEs with their connectors; 1 (and 1/1) before any status came. */
function placesOf(connectors: Place[], v16: boolean): { evseId: number; connectorId: number }[] {
  const found = connectors
    .filter((k) => k.connectorId > 0 && (v16 || (k.evseId ?? 0) > 0))
    .map((k) => ({ evseId: k.evseId ?? k.connectorId, connectorId: k.connectorId }));
  return found.length ? found : [{ evseId: 1, connectorId: 1 }];
}

/** The charger's answer in a few words: its status, or the first variable's status and value. */
function summary(result: Record<string, any> | undefined): string {
  const variable = result?.getVariableResult?.[0];
  if (variable) return [variable.attributeStatus, variable.attributeValue].filter(Boolean).join(' ');
  return result?.status ?? 'sent';
}

/** RequestStartTransaction's remoteStartId: the charger echoes it in the TransactionEvent it starts. */
const remoteStartId = () => Math.floor(Math.random() * 2 ** 31);

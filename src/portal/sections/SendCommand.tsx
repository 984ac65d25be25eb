import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { commandsFor } from '../commandSchemas.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { payloadOf, SchemaForm, type Values } from './SchemaForm.js';

/** Any command of the charger's OCPP version, its form built from that version's schema, and the charger's answer. */
export function SendCommand({ chargerId, ocppVersion, online, onSent }: { chargerId: string; ocppVersion: string; online: boolean; onSent: () => Promise<void> }) {
  const commands = useLoad(() => commandsFor(ocppVersion), [ocppVersion]);
  const [action, setAction] = useState('');
  const [values, setValues] = useState<Values>({});
  const [answer, setAnswer] = useState<unknown>();
  const form = useSubmit();
  const chosen = commands.data?.find((c) => c.action === action);

  function choose(next: string) {
    setAction(next);
    setValues({});
    setAnswer(undefined);
  }
  async function send(e: Event) {
    e.preventDefault();
    if (!chosen) return;
    setAnswer(undefined);
    const path = `/api/chargers/${encodeURIComponent(chargerId)}/commands/${chosen.action}`;
    const reply = await form.run(() => api<{ result: unknown }>('POST', path, payloadOf(chosen.schema, values)));
    if (reply) setAnswer(reply.result);
    await onSent();
  }

  if (!commands.data) return commands.error ? <ErrorNotice error={commands.error} /> : <Loading />;
  return (
    <form onSubmit={send} data-testid="send-command">
      <label for="cmd-action">
        Command (OCPP {ocppVersion})
        <select id="cmd-action" name="action" value={action} onChange={(e) => choose(e.currentTarget.value)}>
          <option value="">Choose a command…</option>
          {commands.data.map((c) => <option key={c.action} value={c.action}>{c.action}</option>)}
        </select>
      </label>
      {chosen && (
        <>
          <SchemaForm schema={chosen.schema} values={values} errors={form.fields} onChange={(path, value) => setValues((v) => ({ ...v, [path]: value }))} />
          <ErrorNotice error={form.error} />
          <button type="submit" aria-busy={form.busy} disabled={!online || form.busy}>
            {online ? `Send ${chosen.action}` : 'The charger is offline'}
          </button>
        </>
      )}
      {answer !== undefined && (
        <p role="status" class="notice">
          The charger answered: <code data-testid="command-answer">{JSON.stringify(answer)}</code>
        </p>
      )}
    </form>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { api, fieldError, secondFactorCode, type SecondFactorCode } from '../api.js';
import { Checkbox, Field, Select } from '../ui/Field.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { CopyField } from '../ui/CopyField.js';
import { KafkaFields, NO_KAFKA, kafkaBody } from './KafkaFields.js';
import { verificationWords } from './words.js';
import { useSubmit } from '../ui/useSubmit.js';
import { eventTypes } from './eventTypes.js';

interface Props {
  installationId: string;
  onCreated: () => Promise<void>;
  onGate: (code: SecondFactorCode) => void;
}

/** A webhook or Kafka subscription of this installation; the signing secret is shown once, after creation. */
export function NewSubscription({ installationId, onCreated, onGate }: Props) {
  const [types, setTypes] = useState<string[]>([]);
  const [label, setLabel] = useState('');
  const [kind, setKind] = useState('webhook');
  const [url, setUrl] = useState('');
  const [kafka, setKafka] = useState(NO_KAFKA);
  const [verify, setVerify] = useState(false);
  const [verification, setVerification] = useState<string>();
  const [events, setEvents] = useState<string[]>(['*']);
  const [signature, setSignature] = useState('hmac-sha256');
  const [authKind, setAuthKind] = useState('none');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [idTagPattern, setIdTagPattern] = useState('');
  const [chargers, setChargers] = useState('');
  const [secret, setSecret] = useState<string>();
  const form = useSubmit();
  useEffect(() => void eventTypes().then(setTypes), []);
  const gate = secondFactorCode(form.error);
  useEffect(() => {
    if (gate) onGate(gate);
  }, [gate]);

  const toggle = (t: string, on: boolean) => setEvents((prev) => (on ? [...prev.filter((e) => e !== '*' || t === '*'), t] : prev.filter((e) => e !== t)));

  async function submit(e: Event) {
    e.preventDefault();
    const filter = {
      ...(idTagPattern ? { idTagPattern } : {}),
      ...(chargers.trim() ? { chargers: chargers.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
    };
    const authentication = authKind === 'basic' ? { kind: 'basic', username, password } : { kind: 'none' };
    const target = kind === 'kafka' ? { kind, kafka: kafkaBody(kafka) } : { kind, url, signature, authentication, verify };
    const created = await form.run(() =>
      api<{ kind: string; secret: string; verification?: { verified: boolean; reason?: string } }>('POST', '/api/subscriptions', {
        installationId, label, events: events.includes('*') ? ['*'] : events, filter, ...target,
      }),
    );
    if (created) {
      // A Kafka message is not signed: its secret would only confuse.
      setSecret(created.kind === 'webhook' ? created.secret : undefined);
      setVerification(created.verification && `Ownership: ${verificationWords(created.verification)}`);
      setLabel('');
      setUrl('');
      setKafka(NO_KAFKA);
      await onCreated();
    }
  }

  return (
    <details open={!!secret || undefined}>
      <summary>New subscription</summary>
      {secret && (
        <>
          <p role="status" class="notice warn">Signing secret: copy it now, it is not shown again.</p>
          <CopyField label="Signing secret" value={secret} testId="subscription-secret" />
          {verification && <Notice>{verification}</Notice>}
        </>
      )}
      <form onSubmit={submit} data-testid="subscription-form">
        <Field label="Label" name="label" required value={label} error={fieldError(form.fields, 'label')} onInput={(e) => setLabel(e.currentTarget.value)} />
        <Select label="Send to" name="kind" value={kind} options={[{ value: 'webhook', label: 'a web hook (HTTP POST)' }, { value: 'kafka', label: 'a Kafka topic' }]}
          onChange={(e) => setKind(e.currentTarget.value)} />
        {kind === 'kafka' && <KafkaFields value={kafka} onChange={setKafka} errors={form.fields} />}
        {kind === 'webhook' && (
          <>
            <Field label="URL" name="url" type="url" required value={url} error={fieldError(form.fields, 'url')} onInput={(e) => setUrl(e.currentTarget.value)} />
            <Checkbox label="Ask the endpoint to prove it is mine before sending anything (ownership challenge)" name="verify" checked={verify} onChange={(e) => setVerify(e.currentTarget.checked)} />
          </>
        )}
        <fieldset>
          <legend>Events</legend>
          {['*', ...types].map((t) => (
            <label key={t}>
              <input type="checkbox" name="events" value={t} checked={events.includes(t)} onChange={(e) => toggle(t, e.currentTarget.checked)} />
              {t === '*' ? 'all events' : t}
            </label>
          ))}
          {fieldError(form.fields, 'events') && <small data-field-error="events">{fieldError(form.fields, 'events')}</small>}
        </fieldset>
        {kind === 'webhook' && (
          <>
            <Select label="Signature" name="signature" options={['hmac-sha256', 'standard-webhooks', 'none']} value={signature} error={fieldError(form.fields, 'signature')} onChange={(e) => setSignature(e.currentTarget.value)} />
            <Select label="Authentication at the receiver" name="authentication.kind" options={['none', 'basic']} value={authKind} error={fieldError(form.fields, 'authentication.kind')} onChange={(e) => setAuthKind(e.currentTarget.value)} />
            {authKind === 'basic' && (
              <div class="grid">
                <Field label="Username" name="authentication.username" value={username} error={fieldError(form.fields, 'authentication.username')} onInput={(e) => setUsername(e.currentTarget.value)} />
                <Field label="Password" name="authentication.password" type="password" autocomplete="off" value={password} error={fieldError(form.fields, 'authentication.password')} onInput={(e) => setPassword(e.currentTarget.value)} />
              </div>
            )}
          </>
        )}
        <div class="grid">
          <Field label="Only id tags matching (regular expression)" name="filter.idTagPattern" value={idTagPattern} error={fieldError(form.fields, 'filter.idTagPattern')} onInput={(e) => setIdTagPattern(e.currentTarget.value)} />
          <Field label="Only these chargers (comma-separated)" name="filter.chargers" value={chargers} error={fieldError(form.fields, 'filter.chargers')} onInput={(e) => setChargers(e.currentTarget.value)} />
        </div>
        {!gate && <ErrorNotice error={form.error} />}
        <button type="submit" aria-busy={form.busy}>Subscribe</button>
      </form>
    </details>
  );
}

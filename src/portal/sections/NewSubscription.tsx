import { useEffect, useState } from 'preact/hooks';
import { api, fieldError, secondFactorCode, type SecondFactorCode } from '../api.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';
import { eventTypes } from './eventTypes.js';

interface Props {
  installationId: string;
  onCreated: () => Promise<void>;
  onGate: (code: SecondFactorCode) => void;
}

/** A webhook subscription of this installation; the signing secret is shown once, after creation. */
export function NewSubscription({ installationId, onCreated, onGate }: Props) {
  const [types, setTypes] = useState<string[]>([]);
  const [label, setLabel] = useState('');
  const [url, setUrl] = useState('');
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
    const created = await form.run(() =>
      api<{ secret: string }>('POST', '/api/subscriptions', { installationId, label, url, events: events.includes('*') ? ['*'] : events, signature, authentication, filter }),
    );
    if (created) {
      setSecret(created.secret);
      setLabel('');
      setUrl('');
      await onCreated();
    }
  }

  return (
    <details open={!!secret || undefined}>
      <summary>New subscription</summary>
      {secret && (
        <Notice>
          Signing secret (shown only now): <code data-testid="subscription-secret">{secret}</code>
        </Notice>
      )}
      <form onSubmit={submit} data-testid="subscription-form">
        <Field label="Label" name="label" required value={label} error={fieldError(form.fields, 'label')} onInput={(e) => setLabel(e.currentTarget.value)} />
        <Field label="URL" name="url" type="url" required value={url} error={fieldError(form.fields, 'url')} onInput={(e) => setUrl(e.currentTarget.value)} />
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
        <Select label="Signature" name="signature" options={['hmac-sha256', 'standard-webhooks', 'none']} value={signature} error={fieldError(form.fields, 'signature')} onChange={(e) => setSignature(e.currentTarget.value)} />
        <Select label="Authentication at the receiver" name="authentication.kind" options={['none', 'basic']} value={authKind} error={fieldError(form.fields, 'authentication.kind')} onChange={(e) => setAuthKind(e.currentTarget.value)} />
        {authKind === 'basic' && (
          <div class="grid">
            <Field label="Username" name="authentication.username" value={username} error={fieldError(form.fields, 'authentication.username')} onInput={(e) => setUsername(e.currentTarget.value)} />
            <Field label="Password" name="authentication.password" type="password" autocomplete="off" value={password} error={fieldError(form.fields, 'authentication.password')} onInput={(e) => setPassword(e.currentTarget.value)} />
          </div>
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

import { useEffect, useState } from 'preact/hooks';
import type { AuthenticationSettings } from '../../store/installations.js';
import { api, fieldError, secondFactorCode, type SecondFactorCode } from '../api.js';
import type { SectionProps } from '../views.js';
import { Checkbox, Field } from '../ui/Field.js';
import { ErrorNotice, Loading, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';
import { SecondFactorGate } from './SecondFactor.js';
import { AuthenticationTest } from './AuthenticationTest.js';

/** The API's field names for these settings are `authentication.<name>`; the form shows either form. */
const err = (fields: Record<string, string>, name: string) => fieldError(fields, `authentication.${name}`, name);

export function Authentication({ me, installation, reload, onMe }: SectionProps) {
  const [gate, setGate] = useState<SecondFactorCode | undefined>(undefined);
  const locked = installation.authenticationLocked || !installation.authentication;
  // Locked although the factor is fresh: the installation is being read again after a step-up.
  if (!gate && locked && me.secondFactor.fresh) return <Loading />;
  const needed = gate ?? (locked ? (me.secondFactor.enrolled ? 'SECOND_FACTOR_REQUIRED' : 'SECOND_FACTOR_ENROLMENT_REQUIRED') : undefined);
  if (needed) {
    return (
      <SecondFactorGate
        code={needed}
        onMe={onMe}
        then={async () => {
          setGate(undefined);
          await reload();
        }}
      />
    );
  }
  return (
    <>
      <AuthenticationForm installationId={installation.id} current={installation.authentication} onSaved={reload} onGate={setGate} />
      <AuthenticationTest installationId={installation.id} onGate={setGate} />
    </>
  );
}

interface FormProps {
  installationId: string;
  current: AuthenticationSettings;
  onSaved: () => Promise<void>;
  onGate: (code: SecondFactorCode) => void;
}

function AuthenticationForm({ installationId, current, onSaved, onGate }: FormProps) {
  const [mode, setMode] = useState(current.mode);
  const [authUrl, setAuthUrl] = useState(current.authUrl ?? '');
  // Write-only: empty keeps the stored payload; the placeholder shows it masked.
  const [authPayload, setAuthPayload] = useState('');
  const [sessionStartUrl, setSessionStartUrl] = useState(current.sessionStartUrl ?? '');
  const [sessionEndUrl, setSessionEndUrl] = useState(current.sessionEndUrl ?? '');
  const [offlineAllow, setOfflineAllow] = useState(current.offlineAllow);
  const [timeoutMs, setTimeoutMs] = useState(String(current.timeoutMs));
  const [saved, setSaved] = useState(false);
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    setSaved(false);
    const authentication = {
      mode,
      authUrl: authUrl.trim() || null,
      sessionStartUrl: sessionStartUrl.trim() || null,
      sessionEndUrl: sessionEndUrl.trim() || null,
      offlineAllow,
      timeoutMs: Number(timeoutMs),
      ...(authPayload ? { authPayload } : {}),
    };
    const ok = await form.run(() => api('PATCH', `/api/installations/${encodeURIComponent(installationId)}`, { authentication }));
    if (ok) {
      setAuthPayload('');
      setSaved(true);
      await onSaved();
    }
  }
  const gate = secondFactorCode(form.error);
  useEffect(() => {
    if (gate) onGate(gate);
  }, [gate]);

  const webhook = mode === 'webhook';
  return (
    <form onSubmit={submit} data-testid="authentication-form">
      <fieldset>
        <legend>Who decides whether a card may charge</legend>
        <ModeChoice value="native" current={mode} onPick={setMode} label="Native authentication" hint="The installation's own id tags (the ID tags tab)." />
        <ModeChoice value="webhook" current={mode} onPick={setMode} label="Web hook authentication" hint="Your provider's web service, called before each session." />
        {err(form.fields, 'mode') && <small data-field-error="mode">{err(form.fields, 'mode')}</small>}
      </fieldset>
      <p class="notice" data-testid="who-decides">{whoDecides(mode, sessionStartUrl)}</p>
      {webhook && (
        <>
          <Field label="Authentication URL (token endpoint)" name="authUrl" type="url" value={authUrl} error={err(form.fields, 'authUrl')} hint="Optional: an OAuth token service the payload is posted to. Empty: HTTP Basic from username and password in the payload." onInput={(e) => setAuthUrl(e.currentTarget.value)} />
          <Field
            label="Authentication payload"
            name="authPayload"
            type="password"
            autocomplete="off"
            placeholder={current.authPayload ?? 'not set'}
            value={authPayload}
            error={err(form.fields, 'authPayload')}
            hint={current.authPayload ? `Stored: ${current.authPayload}. Leave empty to keep it.` : 'Form-encoded credentials, e.g. grant_type=password&username=…'}
            onInput={(e) => setAuthPayload(e.currentTarget.value)}
          />
          <Field label="Session start URL" name="sessionStartUrl" type="url" value={sessionStartUrl} error={err(form.fields, 'sessionStartUrl')} hint="Asked before a session may start. Empty: the installation's own id tags decide." onInput={(e) => setSessionStartUrl(e.currentTarget.value)} />
          <Field label="Session end URL" name="sessionEndUrl" type="url" value={sessionEndUrl} error={err(form.fields, 'sessionEndUrl')} hint="Told about each finished session (energy, times)." onInput={(e) => setSessionEndUrl(e.currentTarget.value)} />
          <Field label="Timeout (ms)" name="timeoutMs" type="number" min={100} max={10000} value={timeoutMs} error={err(form.fields, 'timeoutMs')} onInput={(e) => setTimeoutMs(e.currentTarget.value)} />
        </>
      )}
      <Checkbox label="Allow charging when offline" name="offlineAllow" checked={offlineAllow} error={err(form.fields, 'offlineAllow')} onChange={(e) => setOfflineAllow(e.currentTarget.checked)} />
      <small data-testid="offline-meaning">{offlineMeaning(webhook, offlineAllow)}</small>
      {!gate && <ErrorNotice error={form.error} />}
      {saved && <Notice>Saved.</Notice>}
      <button type="submit" aria-busy={form.busy}>Save</button>
    </form>
  );
}

type Mode = AuthenticationSettings['mode'];

function ModeChoice({ value, current, onPick, label, hint }: { value: Mode; current: Mode; onPick: (m: Mode) => void; label: string; hint: string }) {
  return (
    <label class="choice">
      <input type="radio" name="mode" value={value} checked={current === value} onChange={() => onPick(value)} />
      {label}
      <small>{hint}</small>
    </label>
  );
}

/** The behaviour the settings give, in a line: what the spec asks for when the start URL is empty. */
function whoDecides(mode: Mode, sessionStartUrl: string): string {
  if (mode === 'native') return "The installation's own id tags decide.";
  if (!sessionStartUrl.trim()) return "Session start URL empty: the installation's own id tags decide; the provider only hears of finished sessions.";
  return 'The provider at the session start URL decides each session start (repeats within a short time are answered from the gateway\'s cache).';
}

function offlineMeaning(webhook: boolean, allow: boolean): string {
  const chargers = allow ? 'Chargers accept any card while they have no connection to the gateway' : 'Chargers refuse unknown cards while they have no connection to the gateway';
  if (!webhook) return `${chargers}.`;
  return `${chargers}; ${allow ? 'and the gateway allows charging when the provider cannot be reached' : 'and the gateway refuses when the provider cannot be reached'}.`;
}

import { useEffect, useState } from 'preact/hooks';
import type { AuthenticationSettings } from '../../store/installations.js';
import { api, fieldError, secondFactorCode, type SecondFactorCode } from '../api.js';
import type { SectionProps } from '../views.js';
import { Checkbox, Field, Select } from '../ui/Field.js';
import { ErrorNotice, Loading, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';
import { SecondFactorGate } from './SecondFactor.js';
import { AuthenticationTest } from './AuthenticationTest.js';
import { LocalListSetting } from './LocalListSetting.js';

/** The API's field names for these settings are `authentication.<name>`; the form shows either form. */
const err = (fields: Record<string, string>, name: string) => fieldError(fields, `authentication.${name}`, name);

export function Authentication({ me, installation, reload, onMe }: SectionProps) {
  const [gate, setGate] = useState<SecondFactorCode | undefined>(undefined);
  const locked = installation.authenticationLocked || !installation.authentication;
  // Not a secret: the card list is set without a second factor.
  const cardList = <LocalListSetting installationId={installation.id} current={installation.localList} onSaved={reload} />;
  // Locked although the factor is fresh: the installation is being read again after a step-up.
  if (!gate && locked && me.secondFactor.fresh) return <Loading />;
  const needed = gate ?? (locked ? (me.secondFactor.enrolled ? 'SECOND_FACTOR_REQUIRED' : 'SECOND_FACTOR_ENROLMENT_REQUIRED') : undefined);
  if (needed) {
    return (
      <>
        <SecondFactorGate
          code={needed}
          onMe={onMe}
          then={async () => {
            setGate(undefined);
            await reload();
          }}
        />
        {cardList}
      </>
    );
  }
  return (
    <>
      <AuthenticationForm installationId={installation.id} current={installation.authentication} onSaved={reload} onGate={setGate} />
      <AuthenticationTest installationId={installation.id} onGate={setGate} />
      {cardList}
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

  return (
    <form onSubmit={submit} data-testid="authentication-form">
      <Select label="Mode" name="mode" options={['native', 'webhook']} value={mode} error={err(form.fields, 'mode')} onChange={(e) => setMode(e.currentTarget.value as typeof mode)} />
      <Field label="Authentication URL (token endpoint)" name="authUrl" type="url" value={authUrl} error={err(form.fields, 'authUrl')} onInput={(e) => setAuthUrl(e.currentTarget.value)} />
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
      <Field label="Session start URL" name="sessionStartUrl" type="url" value={sessionStartUrl} error={err(form.fields, 'sessionStartUrl')} onInput={(e) => setSessionStartUrl(e.currentTarget.value)} />
      <Field label="Session end URL" name="sessionEndUrl" type="url" value={sessionEndUrl} error={err(form.fields, 'sessionEndUrl')} onInput={(e) => setSessionEndUrl(e.currentTarget.value)} />
      <Checkbox label="Allow charging when the provider cannot be reached" name="offlineAllow" checked={offlineAllow} error={err(form.fields, 'offlineAllow')} onChange={(e) => setOfflineAllow(e.currentTarget.checked)} />
      <Field label="Timeout (ms)" name="timeoutMs" type="number" min={100} max={10000} value={timeoutMs} error={err(form.fields, 'timeoutMs')} onInput={(e) => setTimeoutMs(e.currentTarget.value)} />
      {!gate && <ErrorNotice error={form.error} />}
      {saved && <Notice>Saved.</Notice>}
      <button type="submit" aria-busy={form.busy}>Save</button>
    </form>
  );
}

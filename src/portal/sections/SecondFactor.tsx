import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, fieldError, type SecondFactorCode } from '../api.js';
import { loadMe, type Me } from '../session.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/**
 * Provider credentials and signing keys sit behind a fresh second factor. The API says which
 * step is missing: a code (step-up) or an authenticator at all (enrolment first). `why` is the
 * sentence that tells the person what the code is for, when it is not a section's credentials.
 */
export function SecondFactorGate({ code, onMe, then, why }: { code: SecondFactorCode; onMe: (me: Me) => void; then: () => Promise<void>; why?: string }) {
  // The shell hears of the fresh factor first, so the section reloads with it.
  const onDone = async (me: Me) => {
    onMe(me);
    await then();
  };
  return code === 'SECOND_FACTOR_ENROLMENT_REQUIRED' ? <Enrol onDone={onDone} why={why} /> : <StepUp onDone={onDone} why={why} />;
}

/**
 * What needs a second factor proven lately (minting API tokens, changing accounts): the gate
 * first, then `children`. `what` names it for the prompt ("API tokens", say).
 */
export function NeedsFreshSecondFactor({ me, onMe, what, children }: { me: Me; onMe: (me: Me) => void; what: string; children: ComponentChildren }) {
  if (me.secondFactor.fresh) return <>{children}</>;
  const code: SecondFactorCode = me.secondFactor.enrolled ? 'SECOND_FACTOR_REQUIRED' : 'SECOND_FACTOR_ENROLMENT_REQUIRED';
  const why = code === 'SECOND_FACTOR_REQUIRED' ? `${what} need a code proven lately.` : `${what} need a second factor:`;
  // The shell's new `me` (fresh) renders the children.
  return <SecondFactorGate code={code} onMe={onMe} then={async () => undefined} why={why} />;
}

function StepUp({ onDone, why = 'This section holds credentials.' }: { onDone: (me: Me) => void; why?: string }) {
  const [code, setCode] = useState('');
  const form = useSubmit();
  async function submit(e: Event) {
    e.preventDefault();
    const me = await form.run(async () => {
      await api('POST', '/api/auth/step-up', { code });
      return loadMe();
    });
    if (me) onDone(me);
  }
  return (
    <article data-testid="step-up">
      <header><strong>Confirm it is you</strong></header>
      <p>{why} Enter the code from your authenticator app.</p>
      <form onSubmit={submit}>
        <Field label="Code" name="code" inputMode="numeric" autocomplete="one-time-code" required value={code} error={fieldError(form.fields, 'code')} onInput={(e) => setCode(e.currentTarget.value)} />
        <ErrorNotice error={form.error} />
        <button type="submit" aria-busy={form.busy}>Confirm</button>
      </form>
    </article>
  );
}

interface Enrolment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

function Enrol({ onDone, why = 'This section holds credentials, so it needs a second factor:' }: { onDone: (me: Me) => void; why?: string }) {
  const [enrolment, setEnrolment] = useState<Enrolment>();
  const [recovery, setRecovery] = useState<string[]>();
  const [code, setCode] = useState('');
  const form = useSubmit();

  const start = () => form.run(async () => setEnrolment(await api<Enrolment>('POST', '/api/auth/totp/enrol')));
  async function confirm(e: Event) {
    e.preventDefault();
    const reply = await form.run(() => api<{ recoveryCodes: string[] }>('POST', '/api/auth/totp/confirm', { code }));
    if (reply) setRecovery(reply.recoveryCodes);
  }

  if (recovery) {
    return (
      <article data-testid="recovery-codes">
        <header><strong>Recovery codes</strong></header>
        <p>Each works once instead of a code, if you lose your phone. They are shown only now: keep them somewhere safe.</p>
        <pre>{recovery.join('\n')}</pre>
        <button onClick={() => form.run(loadMe).then((me) => me && onDone(me))}>I have saved them</button>
      </article>
    );
  }
  return (
    <article data-testid="enrol">
      <header><strong>Set up two-factor authentication</strong></header>
      <p>{why} an authenticator app (any TOTP app).</p>
      {!enrolment ? (
        <button onClick={start} aria-busy={form.busy}>Set up an authenticator</button>
      ) : (
        <form onSubmit={confirm}>
          <p class="qr">
            <img alt="QR code for your authenticator app" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`} />
          </p>
          <p>
            Or type this key: <code data-testid="totp-secret">{enrolment.secret}</code>
          </p>
          <Field label="Code from the app" name="code" inputMode="numeric" autocomplete="one-time-code" required value={code} error={fieldError(form.fields, 'code')} onInput={(e) => setCode(e.currentTarget.value)} />
          <button type="submit" aria-busy={form.busy}>Confirm</button>
        </form>
      )}
      <ErrorNotice error={form.error} />
    </article>
  );
}

import { useState } from 'preact/hooks';
import { api, ApiFailure, fieldError } from '../api.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/** A typo in a password nobody can see is caught here, before the gateway forgets the old one. */
function mismatch(): ApiFailure {
  return new ApiFailure(400, 'VALIDATION_FAILED', 'The new password and its repetition differ', { repeatPassword: 'does not match the new password' });
}

/** The signed-in person's own password; the gateway signs their other sessions out. */
export function ChangePassword() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeatPassword, setRepeat] = useState('');
  const [changed, setChanged] = useState(false);
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    setChanged(false);
    const ok = await form.run(async () => {
      if (newPassword !== repeatPassword) throw mismatch();
      await api('POST', '/api/auth/password', { currentPassword, newPassword });
      return true;
    });
    if (ok) {
      setCurrent('');
      setNew('');
      setRepeat('');
      setChanged(true);
    }
  }

  return (
    <form onSubmit={submit} data-testid="change-password">
      <Field label="Current password" name="currentPassword" type="password" autocomplete="current-password" required value={currentPassword} error={fieldError(form.fields, 'currentPassword')} onInput={(e) => setCurrent(e.currentTarget.value)} />
      <Field label="New password" name="newPassword" type="password" autocomplete="new-password" required value={newPassword} error={fieldError(form.fields, 'newPassword')} hint="At least 12 characters." onInput={(e) => setNew(e.currentTarget.value)} />
      <Field label="Repeat the new password" name="repeatPassword" type="password" autocomplete="new-password" required value={repeatPassword} error={fieldError(form.fields, 'repeatPassword')} onInput={(e) => setRepeat(e.currentTarget.value)} />
      <ErrorNotice error={form.error} />
      {changed && <Notice>Password changed. Your other sessions are signed out; this one stays.</Notice>}
      <button type="submit" aria-busy={form.busy}>Change password</button>
    </form>
  );
}

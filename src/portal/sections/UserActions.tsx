import { useEffect, useRef, useState } from 'preact/hooks';
import { api, fieldError } from '../api.js';
import type { UserItem } from '../views.js';
import { linkTo } from '../router.js';
import { loadMe, type Me } from '../session.js';
import { Field } from '../ui/Field.js';
import { Confirm } from '../ui/Confirm.js';
import { SavedSwitch } from '../ui/SavedSwitch.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

interface Props {
  user: UserItem;
  me: Me;
  onMe: (me: Me) => void;
  onChanged: () => Promise<void>;
  onClose: () => void;
}

/** What an admin does to one account; each action shows its own answer next to its control. */
export function UserActions({ user, me, onMe, onChanged, onClose }: Props) {
  const path = `/api/users/${encodeURIComponent(user.id)}`;
  const self = user.id === me.user.id;
  const ref = useRef<HTMLElement>(null);
  // The panel opens under the list, which may be long: bring it to the admin's eyes.
  useEffect(() => ref.current?.scrollIntoView?.({ block: 'nearest' }), []);
  // Taking one's own admin away ends this page for this very session: the shell hears first.
  const changed = async () => {
    if (self) onMe(await loadMe());
    else await onChanged();
  };
  return (
    <article data-testid="user-actions" ref={ref}>
      <header class="actions">
        <strong>{user.email}</strong>
        <button type="button" class="outline" onClick={onClose}>Close</button>
      </header>
      {self ? (
        <p>Change your own password on <a {...linkTo('/account')}>your account page</a>: it asks for the current one.</p>
      ) : (
        <SetPassword path={path} />
      )}
      <AdminSwitch path={path} admin={user.admin} onChanged={changed} />
      <div class="actions">
        {user.secondFactor && <ResetSecondFactor path={path} onChanged={onChanged} />}
        <DeleteUser path={path} email={user.email} onDeleted={async () => { onClose(); await onChanged(); }} />
      </div>
    </article>
  );
}

function SetPassword({ path }: { path: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const form = useSubmit();
  async function submit(e: Event) {
    e.preventDefault();
    setDone(false);
    if (await form.run(() => api('PATCH', path, { password }))) {
      setPassword('');
      setDone(true);
    }
  }
  return (
    <form onSubmit={submit} data-testid="set-password">
      <Field label="New password" id="f-set-password" name="password" type="password" autocomplete="new-password" required value={password} error={fieldError(form.fields, 'password')} hint="At least 12 characters. Tell it to them over another channel." onInput={(e) => setPassword(e.currentTarget.value)} />
      <ErrorNotice error={form.error} />
      {done && <Notice>Password set. They are signed out everywhere.</Notice>}
      <button type="submit" aria-busy={form.busy}>Set password</button>
    </form>
  );
}

function AdminSwitch({ path, admin, onChanged }: { path: string; admin: boolean; onChanged: () => Promise<void> }) {
  // Put back if the gateway refuses: the last admin stays one.
  return <SavedSwitch label="Operator admin (every installation, every user)" name="admin" value={admin} save={(value) => api('PATCH', path, { admin: value })} onSaved={onChanged} />;
}

function ResetSecondFactor({ path, onChanged }: { path: string; onChanged: () => Promise<void> }) {
  const form = useSubmit();
  const reset = async () => {
    if (await form.run(() => api('DELETE', `${path}/second-factor`).then(() => true))) await onChanged();
  };
  return (
    <div>
      <Confirm label="Reset second factor" question="Their sessions end; they sign in with the password and set up a new authenticator." confirmLabel="Yes, reset" busy={form.busy} onConfirm={reset} />
      <ErrorNotice error={form.error} />
    </div>
  );
}

function DeleteUser({ path, email, onDeleted }: { path: string; email: string; onDeleted: () => Promise<void> }) {
  const form = useSubmit();
  const remove = async () => {
    if (await form.run(() => api('DELETE', path).then(() => true))) await onDeleted();
  };
  const error = fieldError(form.fields, 'id');
  return (
    <div>
      <Confirm label="Delete user" question={`Delete ${email}? They lose every installation and cannot sign in.`} confirmLabel="Yes, delete" busy={form.busy} onConfirm={remove} />
      {/* The API words it for a form field ("is the only owner of …"); here the account is the subject. */}
      {error ? <small class="notice error" data-field-error="id">{email} {error}</small> : <ErrorNotice error={form.error} />}
    </div>
  );
}

import { useState } from 'preact/hooks';
import type { User } from '../../store/users.js';
import { api, fieldError } from '../api.js';
import { Checkbox, Field } from '../ui/Field.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/** A new account; owners then add it to their installations by email (Members). */
export function CreateUser({ onCreated }: { onCreated: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const [created, setCreated] = useState<string>();
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    setCreated(undefined);
    const user = await form.run(() => api<User>('POST', '/api/users', { email, name: name.trim() || null, password, admin }));
    if (user) {
      setEmail('');
      setName('');
      setPassword('');
      setAdmin(false);
      setCreated(user.email);
      await onCreated();
    }
  }

  return (
    <details>
      <summary>New user</summary>
      <form onSubmit={submit} data-testid="create-user">
        <div class="grid">
          <Field label="Email" name="email" type="email" autocomplete="off" required value={email} error={fieldError(form.fields, 'email')} onInput={(e) => setEmail(e.currentTarget.value)} />
          <Field label="Name (optional)" name="name" autocomplete="off" value={name} error={fieldError(form.fields, 'name')} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <Field label="Password" id="f-new-user-password" name="password" type="password" autocomplete="new-password" required value={password} error={fieldError(form.fields, 'password')} hint="At least 12 characters. They can change it on their account page." onInput={(e) => setPassword(e.currentTarget.value)} />
        <Checkbox label="Operator admin (every installation, every user)" name="admin" checked={admin} error={fieldError(form.fields, 'admin')} onChange={(e) => setAdmin(e.currentTarget.checked)} />
        <ErrorNotice error={form.error} />
        {created && <Notice>Created {created}. Add them to installations in each installation's Members section.</Notice>}
        <button type="submit" aria-busy={form.busy}>Create user</button>
      </form>
    </details>
  );
}

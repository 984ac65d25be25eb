import { useState } from 'preact/hooks';
import type { Installation } from '../../store/installations.js';
import { api, fieldError } from '../api.js';
import { navigate } from '../router.js';
import type { Me } from '../session.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice } from '../ui/Notice.js';
import { Dashboard } from './Dashboard.js';
import { useSubmit } from '../ui/useSubmit.js';

/** The landing page: the dashboard of the installations this person may see (the API filters); admins may create one. */
export function Installations({ me }: { me: Me }) {
  return (
    <section>
      <h1>Installations</h1>
      <Dashboard />
      {me.user.admin && <CreateInstallation />}
    </section>
  );
}

function CreateInstallation() {
  const [name, setName] = useState('');
  const form = useSubmit();
  async function submit(e: Event) {
    e.preventDefault();
    const created = await form.run(() => api<Installation>('POST', '/api/installations', { name }));
    if (created) navigate(`/installations/${encodeURIComponent(created.id)}`);
  }
  return (
    <details>
      <summary>New installation</summary>
      <form onSubmit={submit}>
        <Field label="Name" name="name" required value={name} error={fieldError(form.fields, 'name')} onInput={(e) => setName(e.currentTarget.value)} />
        <ErrorNotice error={form.error} />
        <button type="submit" aria-busy={form.busy}>Create</button>
      </form>
    </details>
  );
}

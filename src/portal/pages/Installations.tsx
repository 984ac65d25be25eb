import { useState } from 'preact/hooks';
import type { Installation } from '../../store/installations.js';
import { api, fieldError, itemsOf } from '../api.js';
import { linkTo, navigate } from '../router.js';
import type { Me } from '../session.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';

/** The installations this person may see (the API filters); admins may create one. */
export function Installations({ me }: { me: Me }) {
  const list = useLoad(() => api('GET', '/api/installations').then((r) => itemsOf<Installation>(r)), []);
  return (
    <section>
      <h1>Installations</h1>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.length === 0 && <p>No installation yet.</p>}
      <ul data-testid="installations">
        {list.data?.map((i) => (
          <li key={i.id}>
            <a {...linkTo(`/installations/${encodeURIComponent(i.id)}`)}>{i.name}</a> <span class="badge">{i.authMode}</span>
          </li>
        ))}
      </ul>
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

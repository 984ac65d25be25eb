import { useState } from 'preact/hooks';
import type { Member } from '../../store/users.js';
import { api, fieldError } from '../api.js';
import type { SectionProps } from '../views.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { SavedSwitch } from '../ui/SavedSwitch.js';


const ROLES = ['service', 'owner'] as const;

/** Owners decide who else may see the installation, and as what. */
export function Members({ installation, reload }: SectionProps) {
  const base = `/api/installations/${encodeURIComponent(installation.id)}/members`;
  const list = useLoad(() => api<Member[] | { items: Member[] }>('GET', base).then((r) => (Array.isArray(r) ? r : r.items)), [base]);
  return (
    <section>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      {!!list.data?.length && (
        <div class="table-wrap">
          <table data-testid="members">
            <thead><tr><th>Email</th><th>Name</th><th>Role</th><th></th></tr></thead>
            <tbody>
              {list.data.map((m) => <MemberRow key={m.userId} path={`${base}/${encodeURIComponent(m.userId)}`} member={m} onChanged={list.reload} />)}
            </tbody>
          </table>
        </div>
      )}
      <AddMember base={base} onAdded={list.reload} />
      <RequireSecondFactor installationId={installation.id} on={installation.requireSecondFactor} onChanged={reload} />
    </section>
  );
}

/** A refusal (the last owner cannot go) is shown in the row it is about, under the control it names. */
function MemberRow({ path, member, onChanged }: { path: string; member: Member; onChanged: () => Promise<void> }) {
  const row = useSubmit();
  // The select shows the role the gateway holds: a refused change snaps back.
  const change = (role: string) => row.run(() => api('PATCH', path, { role })).then(onChanged);
  const remove = () => row.run(() => api('DELETE', path)).then(onChanged);
  const roleError = fieldError(row.fields, 'role');
  const removeError = fieldError(row.fields, 'userId');
  return (
    <tr>
      <td>{member.email}</td>
      <td>{member.name ?? ''}</td>
      <td>
        <select aria-label={`Role of ${member.email}`} value={member.role} aria-invalid={roleError ? 'true' : undefined} onChange={(e) => change(e.currentTarget.value)}>
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
        {roleError && <small class="notice error" data-field-error="role">{roleError}</small>}
      </td>
      <td>
        <button class="outline secondary" onClick={remove}>Remove</button>
        {removeError && <small class="notice error" data-field-error="userId">{removeError}</small>}
        {!roleError && !removeError && <ErrorNotice error={row.error} />}
      </td>
    </tr>
  );
}

function AddMember({ base, onAdded }: { base: string; onAdded: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string>('service');
  const form = useSubmit();
  async function submit(e: Event) {
    e.preventDefault();
    if (await form.run(() => api('POST', base, { email, role }))) {
      setEmail('');
      await onAdded();
    }
  }
  return (
    <form onSubmit={submit}>
      <div class="grid">
        <Field label="Email of an existing user" name="email" type="email" required value={email} error={fieldError(form.fields, 'email')} onInput={(e) => setEmail(e.currentTarget.value)} />
        <Select label="Role" name="role" options={ROLES} value={role} error={fieldError(form.fields, 'role')} onChange={(e) => setRole(e.currentTarget.value)} />
      </div>
      <ErrorNotice error={form.error} />
      <button type="submit" aria-busy={form.busy}>Add member</button>
    </form>
  );
}

/** An owner's rule for everyone on the installation: no authenticator app, no access. */
function RequireSecondFactor({ installationId, on, onChanged }: { installationId: string; on: boolean; onChanged: () => Promise<void> }) {
  return (
    <SavedSwitch
      label="Require two-factor authentication for every member"
      name="requireSecondFactor"
      value={on}
      save={(requireSecondFactor) => api('PATCH', `/api/installations/${encodeURIComponent(installationId)}`, { requireSecondFactor })}
      onSaved={onChanged}
    />
  );
}

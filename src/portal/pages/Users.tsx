import { useState } from 'preact/hooks';
import type { UserItem } from '../views.js';
import { api, itemsOf } from '../api.js';
import type { Me } from '../session.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { ApiTokens } from '../sections/ApiTokens.js';
import { CreateUser } from '../sections/CreateUser.js';
import { UserActions } from '../sections/UserActions.js';
import { NeedsFreshSecondFactor } from '../sections/SecondFactor.js';

/** The operator's accounts: who may sign in, who is an admin, and the admin API tokens. */
export function Users({ me, onMe }: { me: Me; onMe: (me: Me) => void }) {
  return (
    <NeedsFreshSecondFactor me={me} onMe={onMe} what="Accounts and admin API tokens">
      <UserList me={me} onMe={onMe} />
    </NeedsFreshSecondFactor>
  );
}

function UserList({ me, onMe }: { me: Me; onMe: (me: Me) => void }) {
  const list = useLoad(() => api('GET', '/api/users').then((r) => itemsOf<UserItem>(r)), []);
  const [open, setOpen] = useState<string>();
  const selected = list.data?.find((u) => u.id === open);
  return (
    <section data-testid="users-page">
      <h1>Users</h1>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      {!!list.data?.length && (
        <div class="table-wrap">
          <table data-testid="users">
            <thead><tr><th>Email</th><th>Name</th><th>Admin</th><th>Second factor</th><th></th></tr></thead>
            <tbody>
              {list.data.map((u) => (
                <tr key={u.id} aria-current={u.id === open ? 'true' : undefined}>
                  <td>{u.email}</td>
                  <td>{u.name ?? ''}</td>
                  <td>{u.admin ? <span class="badge">admin</span> : ''}</td>
                  <td><span class={`badge ${u.secondFactor ? 'ok' : ''}`} data-testid="has-second-factor">{u.secondFactor ? 'yes' : 'no'}</span></td>
                  <td class="actions"><button type="button" class="outline" aria-label={`Manage ${u.email}`} onClick={() => setOpen(u.id === open ? undefined : u.id)}>Manage</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && (
        <UserActions
          key={selected.id}
          user={selected}
          me={me}
          onMe={onMe}
          onChanged={list.reload}
          onClose={() => setOpen(undefined)}
        />
      )}
      <CreateUser onCreated={list.reload} />
      <h2>Admin API tokens</h2>
      <p>An admin token reaches every installation and every user: give it to the operator's own systems only.</p>
      <ApiTokens />
    </section>
  );
}

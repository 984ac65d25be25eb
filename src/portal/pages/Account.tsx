import type { Me } from '../session.js';
import { ChangePassword } from '../sections/ChangePassword.js';
import { OwnSecondFactor } from '../sections/OwnSecondFactor.js';

/** What every signed-in person manages for themselves. */
export function Account({ me, onMe }: { me: Me; onMe: (me: Me) => void }) {
  return (
    <section data-testid="account">
      <h1>Account</h1>
      <p>
        {me.user.name ? <>{me.user.name} · </> : null}
        <span data-testid="account-email">{me.user.email}</span>
        {me.user.admin && <> <span class="badge">operator admin</span></>}
      </p>
      <section>
        <h2>Password</h2>
        <ChangePassword />
      </section>
      <section>
        <h2>Two-factor authentication</h2>
        <OwnSecondFactor me={me} onMe={onMe} />
      </section>
    </section>
  );
}

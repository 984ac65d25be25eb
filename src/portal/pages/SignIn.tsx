import { useState } from 'preact/hooks';
import { ApiFailure, fieldError } from '../api.js';
import { signIn, type Me } from '../session.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/** Email and password; a second step asks for the authenticator code when the account has one. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    const me = await form.run(async () => {
      try {
        return await signIn(email, password, needsCode ? code : undefined);
      } catch (err) {
        // The first SECOND_FACTOR_REQUIRED is the cue to ask for the code, not an error to show.
        if (!needsCode && err instanceof ApiFailure && err.code === 'SECOND_FACTOR_REQUIRED') {
          setNeedsCode(true);
          return undefined;
        }
        throw err;
      }
    });
    if (me) onSignedIn(me);
  }

  return (
    <main class="container">
      <article>
        <h1>Sign in</h1>
        <form onSubmit={submit}>
          <Field label="Email" name="email" type="email" autocomplete="username" required value={email} error={fieldError(form.fields, 'email')} onInput={(e) => setEmail(e.currentTarget.value)} />
          <Field label="Password" name="password" type="password" autocomplete="current-password" required value={password} error={fieldError(form.fields, 'password')} onInput={(e) => setPassword(e.currentTarget.value)} />
          {needsCode && (
            <Field label="Authenticator code (or a recovery code)" name="code" inputMode="numeric" autocomplete="one-time-code" required value={code} error={fieldError(form.fields, 'code')} onInput={(e) => setCode(e.currentTarget.value)} />
          )}
          <ErrorNotice error={form.error} />
          <button type="submit" aria-busy={form.busy}>
            Sign in
          </button>
        </form>
        <small>The first administrator is created at the gateway's first start: ADMIN_EMAIL (default admin@localhost) with ADMIN_PASSWORD, or the password it printed once on its console. Lost it? The operator runs <code>npm run admin -- reset-password</code> with the email.</small>
      </article>
    </main>
  );
}

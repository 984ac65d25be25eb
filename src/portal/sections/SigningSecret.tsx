import { useState } from 'preact/hooks';
import type { Subscription } from '../../store/subscriptions.js';
import { api, fieldError } from '../api.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice, When } from '../ui/Notice.js';
import { ShownOnce } from '../ui/ShownOnce.js';
import { useSubmit } from '../ui/useSubmit.js';

const OVERLAPS = [
  { value: '0', label: 'stops at once' },
  { value: '1', label: '1 hour' },
  { value: '24', label: '24 hours' },
  { value: '168', label: '7 days' },
];

/** Sets or rotates the signing secret; the old one keeps signing for the overlap chosen, so no event is refused meanwhile. */
export function SigningSecret({ path, sub, onChanged }: { path: string; sub: Subscription; onChanged: () => Promise<void> }) {
  const [secret, setSecret] = useState('');
  const [overlap, setOverlap] = useState('24');
  const [shown, setShown] = useState<string>();
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    const body = { ...(secret && { secret }), overlapHours: Number(overlap) };
    const reply = await form.run(() => api<Subscription & { secret: string }>('POST', `${path}/secret`, body));
    if (!reply) return;
    setSecret('');
    setShown(reply.secret);
    await onChanged();
  }

  return (
    <section data-testid="signing-secret">
      <h3>Signing secret</h3>
      {sub.previousSecretUntil && (
        <p data-testid="secret-overlap">
          The previous secret also signs until <When at={sub.previousSecretUntil} />
          {sub.signature === 'standard-webhooks' ? ': each event carries both signatures.' : '. X-Signature carries only the new secret\'s signature: give your receiver the new secret (accepting both for a while).'}
        </p>
      )}
      {shown ? (
        <ShownOnce title="New signing secret" secret={shown} kept="The gateway keeps it encrypted and never shows it again." onDone={() => setShown(undefined)} />
      ) : (
        <form onSubmit={submit} data-testid="secret-form">
          <div class="grid">
            <Field label="New secret" name="secret" autocomplete="off" value={secret} error={fieldError(form.fields, 'secret')} hint="Leave empty to have one generated."
              onInput={(e) => setSecret(e.currentTarget.value)} />
            <Select label="The old secret keeps signing" name="overlapHours" value={overlap} options={OVERLAPS} error={fieldError(form.fields, 'overlapHours')}
              onChange={(e) => setOverlap(e.currentTarget.value)} />
          </div>
          <ErrorNotice error={form.error} />
          <button type="submit" class="secondary" aria-busy={form.busy}>{secret ? 'Set this secret' : 'Rotate the secret'}</button>
        </form>
      )}
    </section>
  );
}

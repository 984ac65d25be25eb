import { useState } from 'preact/hooks';
import { api, fieldError } from '../api.js';
import { Field, Select } from '../ui/Field.js';
import { ErrorNotice } from '../ui/Notice.js';
import { ShownOnce } from '../ui/ShownOnce.js';
import { useSubmit } from '../ui/useSubmit.js';

const INSTALLATION_ROLES = ['service', 'owner'] as const;

interface Props {
  /** None: an admin token, which reaches every installation. */
  installationId?: string;
  onCreated: () => Promise<void>;
}

/** A token for one program; the gateway answers the secret once and keeps only its hash. */
export function NewToken({ installationId, onCreated }: Props) {
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<string>('service');
  const [created, setCreated] = useState<{ label: string; token: string }>();
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    const body = installationId ? { label, role, installations: [installationId] } : { label, role: 'admin', installations: [] };
    const reply = await form.run(() => api<{ label: string; token: string }>('POST', '/api/tokens', body));
    if (reply) {
      setLabel('');
      setCreated({ label: reply.label, token: reply.token });
      await onCreated();
    }
  }

  if (created) return <ShownOnce title={`API token "${created.label}"`} secret={created.token} onDone={() => setCreated(undefined)} />;
  return (
    <details>
      <summary>{installationId ? 'New API token' : 'New admin API token'}</summary>
      <form onSubmit={submit} data-testid="new-token">
        <div class="grid">
          <Field label="Label" name="label" required value={label} error={fieldError(form.fields, 'label')} hint="Which program uses it, so you know what breaks when you revoke it." onInput={(e) => setLabel(e.currentTarget.value)} />
          {installationId && (
            <Select label="Role" name="role" options={INSTALLATION_ROLES} value={role} error={fieldError(form.fields, 'role')} onChange={(e) => setRole(e.currentTarget.value)} />
          )}
        </div>
        {fieldError(form.fields, 'installations', 'installations.0') && (
          <small class="notice error" data-field-error="installations">{fieldError(form.fields, 'installations', 'installations.0')}</small>
        )}
        <ErrorNotice error={form.error} />
        <button type="submit" aria-busy={form.busy}>Create token</button>
      </form>
    </details>
  );
}

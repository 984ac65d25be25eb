import { useEffect, useState } from 'preact/hooks';
import { api, fieldError, secondFactorCode, type SecondFactorCode } from '../api.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

interface Step {
  ok: boolean;
  ms: number;
  status?: number;
  body?: unknown;
  error?: string;
}

/** What POST /api/installations/:id/authentication/test answers (metrics branch contract). */
interface TestResult {
  token: Step | null;
  sessionStart: Step | null;
  decision: { status: string; source: string; reason?: string };
}

/** Runs the stored settings against the provider with a test id tag; nothing is started. */
export function AuthenticationTest({ installationId, onGate }: { installationId: string; onGate: (code: SecondFactorCode) => void }) {
  const [idTag, setIdTag] = useState('TEST-TAG');
  const [result, setResult] = useState<{ at: Date; reply: TestResult }>();
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    const reply = await form.run(() => api<TestResult>('POST', `/api/installations/${encodeURIComponent(installationId)}/authentication/test`, { idTag }));
    if (reply) setResult({ at: new Date(), reply });
  }
  const gate = secondFactorCode(form.error);
  useEffect(() => {
    if (gate) onGate(gate);
  }, [gate]);

  return (
    <article>
      <header><strong>Test the settings</strong></header>
      <form onSubmit={submit}>
        <Field label="Test id tag" name="idTag" required value={idTag} error={fieldError(form.fields, 'idTag')} onInput={(e) => setIdTag(e.currentTarget.value)} />
        {!gate && <ErrorNotice error={form.error} />}
        <button type="submit" class="secondary" aria-busy={form.busy}>Test</button>
      </form>
      {result && <TestReport at={result.at} reply={result.reply} />}
    </article>
  );
}

function StepRow({ name, step }: { name: string; step: Step | null }) {
  if (!step) {
    return (
      <tr>
        <th scope="row">{name}</th>
        <td colSpan={3}>not called</td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row">{name}</th>
      <td><span class={`badge ${step.ok ? 'ok' : 'bad'}`}>{step.ok ? 'ok' : 'failed'}</span> {step.status ?? ''}</td>
      <td>{step.ms} ms</td>
      <td>{step.error ?? (step.body === undefined ? '' : <pre>{typeof step.body === 'string' ? step.body : JSON.stringify(step.body, null, 2)}</pre>)}</td>
    </tr>
  );
}

function TestReport({ at, reply }: { at: Date; reply: TestResult }) {
  const accepted = reply.decision.status === 'Accepted';
  return (
    <section data-testid="authentication-test-result">
      <p>
        Decision: <strong class={`badge ${accepted ? 'ok' : 'bad'}`} data-testid="decision">{reply.decision.status}</strong> from {reply.decision.source}
        {reply.decision.reason ? ` (${reply.decision.reason})` : ''} · tested at <time dateTime={at.toISOString()}>{at.toLocaleTimeString()}</time>
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr><th>Call</th><th>Result</th><th>Time</th><th>Reply</th></tr>
          </thead>
          <tbody>
            <StepRow name="Token" step={reply.token} />
            <StepRow name="Session start" step={reply.sessionStart} />
          </tbody>
        </table>
      </div>
    </section>
  );
}

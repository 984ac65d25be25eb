import { useState } from 'preact/hooks';
import { api, secondFactorCode } from '../api.js';
import { loadMe, type Me } from '../session.js';
import { Confirm } from '../ui/Confirm.js';
import { ErrorNotice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';
import { SecondFactorGate } from './SecondFactor.js';

interface Props {
  me: Me;
  onMe: (me: Me) => void;
}

/** The person's own authenticator: set it up, or remove it after proving they still hold it. */
export function OwnSecondFactor({ me, onMe }: Props) {
  const [enrolling, setEnrolling] = useState(false);
  const form = useSubmit();

  async function remove() {
    const removed = await form.run(async () => {
      await api('DELETE', '/api/auth/totp');
      return loadMe();
    });
    if (removed) onMe(removed);
  }
  // Cancelled after the code was confirmed, the factor is on: the header must say so.
  const stopEnrolling = () => {
    setEnrolling(false);
    void loadMe().then(onMe, () => undefined);
  };
  // A stolen session must not switch the factor off: the API asks for a fresh code first.
  const gate = secondFactorCode(form.error);
  if (gate) {
    return (
      <>
        <SecondFactorGate code={gate} onMe={onMe} then={remove} why="Removing your second factor needs a fresh code." />
        <button type="button" class="outline" onClick={() => form.setError(undefined)}>Cancel</button>
      </>
    );
  }
  if (enrolling) {
    return (
      <>
        <SecondFactorGate code="SECOND_FACTOR_ENROLMENT_REQUIRED" onMe={onMe} then={async () => setEnrolling(false)} why="Sign-ins will then ask for a code from" />
        <button type="button" class="outline" onClick={stopEnrolling}>Cancel</button>
      </>
    );
  }
  return (
    <div data-testid="own-second-factor">
      <p>
        Status:{' '}
        <span class={`badge ${me.secondFactor.enrolled ? 'ok' : 'warn'}`} data-testid="second-factor-state">{me.secondFactor.enrolled ? 'on' : 'off'}</span>
      </p>
      {me.secondFactor.enrolled ? (
        <Confirm label="Remove second factor" question="Sign-ins will ask for your password only." confirmLabel="Yes, remove it" busy={form.busy} onConfirm={remove} />
      ) : (
        <button type="button" onClick={() => setEnrolling(true)}>Set up two-factor authentication</button>
      )}
      <ErrorNotice error={form.error} />
    </div>
  );
}

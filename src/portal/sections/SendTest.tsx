import { useState } from 'preact/hooks';
import type { Subscription } from '../../store/subscriptions.js';
import { api } from '../api.js';
import { Select } from '../ui/Field.js';
import { ErrorNotice, Notice } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';
import { AttemptDetail, type AttemptShown } from './AttemptDetail.js';
import { describeAttempt } from './words.js';

const PLAIN_TEST = 'subscription.test';

/** Sends any of the subscription's event types as the catalogue's example, so each can be tried before real traffic. */
export function SendTest({ path, sub, types, onSent }: { path: string; sub: Subscription; types: string[]; onSent: () => void }) {
  const choices = [PLAIN_TEST, ...(sub.events.includes('*') ? types : sub.events).filter((t) => t !== PLAIN_TEST)];
  const [type, setType] = useState(PLAIN_TEST);
  const [reply, setReply] = useState<AttemptShown>();
  const send = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    setReply(undefined);
    const got = await send.run(() => api<AttemptShown>('POST', `${path}/test`, type === PLAIN_TEST ? undefined : { eventType: type }));
    if (got) setReply(got);
    onSent();
  }

  return (
    <form onSubmit={submit} data-testid="send-test">
      <div class="filters wide">
        <Select label="Event to send as a test" name="eventType" value={type} options={choices} onChange={(e) => setType(e.currentTarget.value)} />
        <div class="actions">
          <button type="submit" aria-busy={send.busy}>Send test</button>
        </div>
      </div>
      {send.fields.eventType && <p role="alert" class="notice error">{send.fields.eventType}</p>}
      <ErrorNotice error={send.error} />
      {reply && (
        <>
          <Notice>Test: {describeAttempt(reply)}</Notice>
          <details>
            <summary>What was sent and answered</summary>
            <AttemptDetail d={reply} />
          </details>
        </>
      )}
    </form>
  );
}

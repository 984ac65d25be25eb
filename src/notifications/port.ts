import { createReplies } from '../replies.js';

/** The answer to a request: the other side posts it once the request's work is done. */
export interface Done {
  t: 'done';
  reply: number;
}

/**
 * Requests over a message port (the delivery thread's): each carries a fresh `reply` id, and
 * the other side answers it with a Done message when the work is done.
 */
export function createPortRequests(post: (m: object) => void) {
  let next = 1;
  const replies = createReplies<true>();
  return {
    /** Resolves once answered, or after `timeoutMs`, or when the other side is gone. */
    async request(m: object, timeoutMs: number): Promise<void> {
      const reply = next++;
      const answered = replies.wait(reply, timeoutMs);
      post({ ...m, reply });
      await answered;
    },
    /** The other side's Done. */
    done(m: Done): void {
      replies.answer(m.reply, true);
    },
    /** The other side is gone: nothing waits for it any more. */
    closed(): void {
      replies.abandon();
    },
  };
}

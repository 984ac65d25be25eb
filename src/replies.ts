/**
 * Requests waiting for their replies, by id, each with a deadline: what a request/reply
 * exchange keeps whatever carries it (the delivery thread's port, the cluster bus).
 */
export function createReplies<T, Id = number>() {
  const waiting = new Map<Id, (reply: T | undefined) => void>();
  return {
    /** Resolves with the reply to `id`; undefined when none came within `timeoutMs`, or it was abandoned. */
    wait(id: Id, timeoutMs: number): Promise<T | undefined> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => settle(undefined), timeoutMs);
        const settle = (reply: T | undefined) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(reply);
        };
        waiting.set(id, settle);
      });
    },
    answer(id: Id, reply: T): void {
      waiting.get(id)?.(reply);
    },
    /** Stops waiting for `id`, or for every request when none is named (the other side is gone). */
    abandon(id?: Id): void {
      if (id !== undefined) return waiting.get(id)?.(undefined);
      for (const settle of [...waiting.values()]) settle(undefined);
    },
  };
}

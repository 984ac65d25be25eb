/** One call per key in flight: concurrent askers of the same key share its promise. */
export function singleFlight<T>() {
  const inflight = new Map<string, Promise<T>>();
  return {
    run(key: string, fn: () => Promise<T>): Promise<T> {
      let pending = inflight.get(key);
      if (!pending) {
        pending = fn().finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
  };
}

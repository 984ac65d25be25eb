// Pending waitForFrame() promises of one charger. Separate from the charger so
// the common case (nobody waiting) costs one null field per connection.

interface Waiter {
  predicate: (frame: unknown[] | string) => boolean;
  resolve: (frame: unknown[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class FrameWaiters {
  private readonly waiters: Waiter[] = [];

  wait(predicate: Waiter['predicate'], timeoutMs: number, label: string): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(new Error(`${label}: no matching frame within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Offers an inbound frame (parsed array, or raw text when not a JSON array) to every waiter. */
  offer(frame: unknown[] | string): void {
    for (const waiter of [...this.waiters]) {
      let matched = false;
      try {
        matched = waiter.predicate(frame);
      } catch {
        // A throwing predicate means "not this frame": one bad test helper must not wedge the socket.
      }
      if (!matched) continue;
      this.remove(waiter);
      waiter.resolve(typeof frame === 'string' ? [frame] : frame);
    }
  }

  rejectAll(err: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
  }

  private remove(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}

/**
 * Runs `work` every `intervalMs` after the previous run ended (never two at once), from start()
 * until stop(), which waits for a run in progress. A failed run is reported and the next one
 * still comes. The timer does not hold the process open.
 */
export function createPeriodic(work: () => Promise<unknown>, intervalMs: number, failed: (err: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = () => {
    running = work()
      .then(
        () => undefined,
        (err) => failed(err),
      )
      .then(() => {
        if (timer) timer = setTimeout(tick, intervalMs).unref();
      });
  };

  return {
    start() {
      timer = setTimeout(tick, intervalMs).unref();
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

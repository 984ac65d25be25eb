import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Store } from '../../src/store/index.js';
import type { OutboxItem } from '../../src/store/outbox.js';
import { createOutboxWorker } from '../../src/providers/sessionEndWorker.js';
import { engines } from '../helpers/databases.js';
import { freshDatabaseForSuite } from '../helpers/suiteDatabase.js';

describe.each(engines)('outbox worker on %s', (engine) => {
  let store: Store;
  freshDatabaseForSuite(engine, { stores: 1 }, ({ stores }) => {
    [store] = stores;
  });

  it("keeps each charger's order and lets a slow charger hold up no other charger's rows", async () => {
    const rows = ['SLOW:1', 'FAST:1', 'FAST:2', 'SLOW:2', 'FAST:3', 'FAST:4'];
    for (const eventId of rows) {
      await store.outbox.enqueue({ topic: 'session_end', target: 'i', eventId, payload: { chargerId: eventId.split(':')[0] } });
    }
    const done: string[] = [];
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const deliver = async (item: OutboxItem) => {
      if (item.eventId.startsWith('SLOW')) await slowGate;
      done.push(item.eventId);
      return { outcome: 'delivered' as const, status: 200 };
    };
    const worker = createOutboxWorker({
      outbox: store.outbox, deliver: { session_end: deliver }, log: pino({ level: 'silent' }), pollMs: 50, retryBaseMs: 10, retryMaxMs: 10,
    });
    worker.start();
    try {
      // Every FAST row goes while SLOW's first call is still out.
      await expect.poll(() => done.filter((id) => id.startsWith('FAST')), { timeout: 5000 }).toEqual(['FAST:1', 'FAST:2', 'FAST:3', 'FAST:4']);
      expect(done.some((id) => id.startsWith('SLOW'))).toBe(false);
      releaseSlow();
      await expect.poll(() => done.filter((id) => id.startsWith('SLOW')), { timeout: 5000 }).toEqual(['SLOW:1', 'SLOW:2']);
    } finally {
      releaseSlow();
      await worker.stop();
    }
    expect(await store.outbox.pendingCount()).toBe(0);
  });
});

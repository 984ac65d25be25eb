// Child process entry for the mock eMSP, so the CPU it spends answering is not charged to the
// load generator or the gateway. It registers with the gateway (as credentials Sender), pushes
// the tokens it was given, and answers ALLOWED to every real-time authorization.

import { startEmsp } from '../../simulators/emsp/server.js';
import { serveAsChild } from './child.js';
import { EMSP_SETUP_ENV, type EmspInfo, type EmspSetup } from './emsp-fixture.js';

// The simulator keeps every request it received for tests to inspect; at bench rates that
// grows without bound, and the GC pauses would show up as eMSP latency. Nobody reads them here.
const FORGET_EVERY_MS = 1_000;
const PUSH_CONCURRENCY = 16;

// Only as a forked bench child: without an IPC channel there is nobody to report to.
if (process.send) {
  await serveAsChild(async () => {
    const setup = JSON.parse(process.env[EMSP_SETUP_ENV] ?? '{}') as EmspSetup;
    const emsp = await startEmsp({ host: '127.0.0.1', port: 0, defaultAnswer: 'ALLOWED', latencyMs: setup.latencyMs });
    try {
      const registered = await emsp.registerWith(setup.versionsUrl, setup.tokenA);
      if (registered.body?.status_code !== 1000) throw new Error(`registration refused: HTTP ${registered.status} ${JSON.stringify(registered.body)}`);
      const queue = [...setup.push];
      const pushOne = async (): Promise<void> => {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const r = await emsp.pushToken(t);
          if (r.body?.status_code !== 1000) throw new Error(`push of ${t.uid} refused: HTTP ${r.status} ${JSON.stringify(r.body)}`);
        }
      };
      await Promise.all(Array.from({ length: PUSH_CONCURRENCY }, pushOne));
    } catch (err) {
      await emsp.close();
      throw err;
    }
    const forget = setInterval(() => {
      emsp.received.length = 0;
      emsp.state.authorizeCalls.length = 0;
    }, FORGET_EVERY_MS);
    const info: EmspInfo = { ocppPort: 0, httpPort: Number(new URL(emsp.origin).port), tokensUrl: emsp.tokensUrl, loadToken: emsp.issueTokenA() };
    return {
      info,
      close: async () => {
        clearInterval(forget);
        await emsp.close();
      },
    };
  });
}

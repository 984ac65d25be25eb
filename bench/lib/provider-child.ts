// Child process entry for the provider simulator, so the CPU it spends answering
// is not charged to the load generator or the gateway. It allows every idTag.

import { startProvider } from '../../simulators/provider/index.js';
import { serveAsChild } from './child.js';
import { PROVIDER_PASSWORD, PROVIDER_USER, type ProviderInfo } from './provider-fixture.js';

// The simulator keeps every request it received for tests to inspect; at bench
// rates that grows by hundreds of MB a minute, and the GC pauses would show up as
// provider latency. Nobody reads them here.
const FORGET_EVERY_MS = 1_000;

// Only as a forked bench child: without an IPC channel there is nobody to report to.
if (process.send) {
  await serveAsChild(async () => {
    const provider = await startProvider({
      host: '127.0.0.1',
      port: 0,
      rules: { defaultAllowed: true },
      users: { [PROVIDER_USER]: PROVIDER_PASSWORD },
    });
    const forget = setInterval(() => {
      for (const requests of Object.values(provider.received)) requests.length = 0;
    }, FORGET_EVERY_MS);
    const info: ProviderInfo = { ocppPort: 0, httpPort: Number(new URL(provider.url).port), startUrl: provider.startUrl };
    return {
      info,
      close: async () => {
        clearInterval(forget);
        await provider.close();
      },
    };
  });
}

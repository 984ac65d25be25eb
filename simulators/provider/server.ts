// The provider simulator's lifecycle: state, listen, close. Started in-process
// by tests and benchmarks, or by the CLI.

import { listenSimulator } from '../http-server.js';
import { TokenStore } from './credentials.js';
import type { EndpointContext } from './endpoints.js';
import { FaultTable } from './faults.js';
import { createRouter } from './router.js';
import { compileRules } from './rules.js';
import type { Provider, ProviderOptions, ProviderPath } from './types.js';

// Exported so the CLI can name the default user without repeating it.
export const PROVIDER_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  users: { gateway: 'secret-pass' } as Record<string, string>,
  tokenTtlSec: 60,
};

export async function startProvider(opts: ProviderOptions = {}): Promise<Provider> {
  const { port, host, users, tokenTtlSec } = { ...PROVIDER_DEFAULTS, ...stripUndefined(opts) };
  let decide = compileRules(opts.rules ?? {});
  let sessions = 0;
  const faults = new FaultTable();
  const counts: Record<ProviderPath, number> = { token: 0, start: 0, end: 0 };
  const received: Provider['received'] = { tokens: [], starts: [], ends: [], faulted: [] };
  const ctx: EndpointContext = {
    users,
    tokens: new TokenStore(tokenTtlSec),
    tokenTtlSec,
    decide: () => decide,
    nextSessionId: () => `ps-${++sessions}`,
    received,
  };
  const server = await listenSimulator({
    port,
    host,
    handler: (delay) => createRouter({ ctx, faults, counts, delay, onReceived: opts.onReceived }),
  });
  const url = server.origin;

  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    startUrl: `${url}/sessions/start`,
    endUrl: `${url}/sessions/end`,
    received,
    setRules: (rules) => {
      decide = compileRules(rules);
    },
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    revokeTokens: () => ctx.tokens.revokeAll(),
    counts: () => ({ ...counts }),
    close: server.close,
  };
}

// So `{ port: undefined }` from a caller keeps the default instead of overriding it.
function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

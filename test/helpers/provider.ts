import { startProvider, type Provider, type ProviderOptions } from '../../simulators/provider/index.js';
import { startTestGateway, type TestGateway } from './gateway.js';
import type { StartOptions } from '../../src/app.js';

export const PROVIDER_USER = 'gateway';
export const PROVIDER_PASSWORD = 'Pr0vider-Secret-Pa55';

export interface ProviderSetup {
  t: TestGateway;
  provider: Provider;
  /** Creates an installation through the API with these chargers and authentication settings. */
  installation(chargers: string[], authentication: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

export async function startProviderSetup(
  engine: 'sqlite' | 'postgres' = 'sqlite',
  gatewayOptions: StartOptions = {},
  providerOptions: ProviderOptions = {},
): Promise<ProviderSetup> {
  const provider = await startProvider({ users: { [PROVIDER_USER]: PROVIDER_PASSWORD }, ...providerOptions });
  const t = await startTestGateway(engine, { outboxRetryBaseMs: 50, outboxRetryMaxMs: 200, outboxPollMs: 50, ...gatewayOptions });
  return {
    t,
    provider,
    async installation(chargers, authentication) {
      const inst = await t.api('POST', '/api/installations', { name: `provider-${Math.random().toString(36).slice(2, 8)}`, authentication });
      if (inst.status !== 201) throw new Error(`installation: ${inst.status} ${JSON.stringify(inst.body)}`);
      for (const id of chargers) {
        const r = await t.api('POST', `/api/installations/${inst.body.id}/chargers`, { id });
        if (r.status !== 201) throw new Error(`charger ${id}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      return inst.body.id;
    },
    async stop() {
      await t.stop();
      await provider.close();
    },
  };
}

export const oauthPayload = `grant_type=password&username=${PROVIDER_USER}&password=${PROVIDER_PASSWORD}&scope=charging`;
export const basicPayload = `username=${PROVIDER_USER}&password=${PROVIDER_PASSWORD}`;

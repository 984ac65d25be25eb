// The ocpi scenario's gateway as a site owner and an eMSP would set it up: an installation
// deciding from its own id tags, one deciding through OCPI, and the mock eMSP registered as a
// partner (it registers with the token A the gateway issued) with its tokens pushed.

import type { Api } from '../../lib/gateway-process.js';
import { createChargers } from '../../lib/fleet.js';
import { EMSP_SETUP_ENV, type EmspSetup } from '../../lib/emsp-fixture.js';
import { startServerProcess, type ServerProcess } from '../../lib/server-process.js';

/** The gateway's own OCPI party: OCPI is off without it. */
export const GATEWAY_PARTY = { ocpiCountryCode: 'BE', ocpiPartyId: 'GWY', ocpiBusinessName: 'Bench CPO' };
/** The mock eMSP's party (its defaults). */
const EMSP_PARTY = { countryCode: 'NL', partyId: 'TNM' };

/** Creates an installation that asks only `source`, with chargers `${idPrefix}1…${chargers}`; returns its id. */
export async function createInstallation(api: Api, setup: { name: string; source: 'native' | 'ocpi'; chargers: number; idPrefix: string }): Promise<string> {
  const installation = (await api('POST', '/api/installations', { name: setup.name })) as { id?: unknown };
  if (typeof installation?.id !== 'string') throw new Error('POST /api/installations returned no id');
  await api('PUT', `/api/installations/${encodeURIComponent(installation.id)}/authorization-sources`, { sources: [setup.source] });
  await createChargers(api, installation.id, setup.chargers, setup.idPrefix);
  return installation.id;
}

/** The installation's own id tags, Accepted. */
export async function addIdTags(api: Api, installationId: string, idTags: string[]): Promise<void> {
  for (const idTag of idTags) await api('POST', `/api/installations/${encodeURIComponent(installationId)}/id-tags`, { idTag, status: 'Accepted' });
}

/** A partner slot on the gateway (its token A), then the eMSP child that registers into it and pushes `push`. */
export async function startRegisteredEmsp(api: Api, setup: Omit<EmspSetup, 'versionsUrl' | 'tokenA'>): Promise<ServerProcess> {
  const partner = (await api('POST', '/api/ocpi/partners', EMSP_PARTY)) as { tokenA?: unknown; ourVersionsUrl?: unknown };
  if (typeof partner?.tokenA !== 'string' || typeof partner.ourVersionsUrl !== 'string') throw new Error(`POST /api/ocpi/partners gave no token A: ${JSON.stringify(partner)}`);
  const env: EmspSetup = { ...setup, versionsUrl: partner.ourVersionsUrl, tokenA: partner.tokenA };
  return startServerProcess('emsp', './emsp-child.ts', { [EMSP_SETUP_ENV]: JSON.stringify(env) });
}

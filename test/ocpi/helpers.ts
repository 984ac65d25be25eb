// What the OCPI tests share: the gateway's party, and a partner registered with the mock eMSP.

import type { TestApi } from '../api/gateway.js';
import type { MockEmsp } from '../../simulators/emsp/server.js';

/** Where the tests' installations are, as PUT /api/installations/{id}/location takes it. */
export const WHERE = { address: 'Stationsplein 1', city: 'Amsterdam', postalCode: '1012 AB', country: 'NLD', latitude: '52.37893', longitude: '4.90060', timeZone: 'Europe/Amsterdam' };

export const OCPI_CONFIG = { ocpiCountryCode: 'DE', ocpiPartyId: 'GWY', ocpiBusinessName: 'Test Operator', outboundAllowList: ['127.0.0.0/8'] };

/** The eMSP registers with the gateway through a token A the API issued; returns the partner's id. */
export async function registerEmsp(api: TestApi, emsp: MockEmsp): Promise<string> {
  const issued = await api.request('POST', '/api/ocpi/partners', { countryCode: emsp.countryCode, partyId: emsp.partyId });
  const answer = await emsp.registerWith(issued.body.ourVersionsUrl, issued.body.tokenA);
  if (answer.body?.status_code !== 1000) throw new Error(`registration failed: ${JSON.stringify(answer.body)}`);
  return issued.body.id;
}

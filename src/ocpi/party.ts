import type { Config } from '../config.js';
import type { PartnerEndpoint, PartnerRole } from '../store/ocpiPartners.js';

export const OCPI_VERSION = '2.2.1';

/** The gateway as an OCPI CPO, from config; undefined when OCPI is not configured. */
export interface OwnParty {
  countryCode: string;
  partyId: string;
  name: string;
  /** Where eMSPs reach /ocpi; undefined: the host a request came to. */
  publicUrl: string | undefined;
}

export function ownParty(config: Config): OwnParty | undefined {
  if (!config.ocpiCountryCode || !config.ocpiPartyId || !config.ocpiBusinessName) return undefined;
  return { countryCode: config.ocpiCountryCode, partyId: config.ocpiPartyId, name: config.ocpiBusinessName, publicUrl: config.ocpiPublicUrl };
}

export const versionsUrl = (base: string) => `${base}/ocpi/versions`;
export const detailsUrl = (base: string) => `${base}/ocpi/${OCPI_VERSION}`;

/** The modules this gateway serves, by role (OCPI 2.2.1 version details). */
export function ownEndpoints(base: string): PartnerEndpoint[] {
  const at = (module: string) => `${detailsUrl(base)}/${module}`;
  return [
    { identifier: 'credentials', role: 'SENDER', url: at('credentials') },
    { identifier: 'credentials', role: 'RECEIVER', url: at('credentials') },
    { identifier: 'tokens', role: 'RECEIVER', url: at('tokens') },
    { identifier: 'locations', role: 'SENDER', url: at('locations') },
  ];
}

export function ownRole(party: OwnParty): PartnerRole {
  return { role: 'CPO', country_code: party.countryCode, party_id: party.partyId, business_details: { name: party.name } };
}

/** Our credentials object, carrying the token the partner is to send us. */
export function ownCredentials(party: OwnParty, base: string, token: string) {
  return { token, url: versionsUrl(base), roles: [ownRole(party)] };
}

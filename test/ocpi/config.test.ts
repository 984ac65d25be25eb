// The gateway's own OCPI party comes from config: a bad or half-given party stops start-up,
// naming the key (and its environment variable).

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig({ env, argv: [] });

describe('OCPI party in config', () => {
  it('is off without a party, and upper-cases a complete one', () => {
    expect(load({}).ocpiCountryCode).toBeUndefined();
    const c = load({ OCPI_COUNTRY_CODE: 'nl', OCPI_PARTY_ID: 'exa', OCPI_BUSINESS_NAME: 'Example Operator', OCPI_PUBLIC_URL: 'https://gw.example.com/' });
    expect(c).toMatchObject({ ocpiCountryCode: 'NL', ocpiPartyId: 'EXA', ocpiBusinessName: 'Example Operator', ocpiPublicUrl: 'https://gw.example.com' });
  });

  it('names the key and its environment variable for a bad value', () => {
    expect(() => load({ OCPI_COUNTRY_CODE: 'NLD', OCPI_PARTY_ID: 'EXA', OCPI_BUSINESS_NAME: 'X' })).toThrow(/ocpiCountryCode \(env OCPI_COUNTRY_CODE\): two letters/);
    expect(() => load({ OCPI_COUNTRY_CODE: 'NL', OCPI_PARTY_ID: 'EXAMPLE', OCPI_BUSINESS_NAME: 'X' })).toThrow(/ocpiPartyId \(env OCPI_PARTY_ID\): three letters or digits/);
    expect(() => load({ OCPI_PUBLIC_URL: 'ftp://gw' })).toThrow(/ocpiPublicUrl \(env OCPI_PUBLIC_URL\)/);
  });

  it('refuses half a party, naming what is missing', () => {
    expect(() => load({ OCPI_COUNTRY_CODE: 'NL', OCPI_PARTY_ID: 'EXA' })).toThrow(/ocpiBusinessName: required when ocpiCountryCode and ocpiPartyId are set/);
  });
});

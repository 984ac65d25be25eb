import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { loadCertificateAuthority } from '../../../src/ocpp/certificates/ca.js';
import { CommandError, validateCommand } from '../../../src/ocpp/commands.js';
import { makeCertificates } from '../../helpers/certs.js';

/** The operator's CA for SignCertificate: a bad value stops start-up, naming the key. */
describe('the charger CA in the configuration', () => {
  const certs = makeCertificates(['CP-CA-1']);
  const ca = (env: Record<string, string>) => () => loadCertificateAuthority(loadConfig({ env, argv: [] }));

  it('loads a CA certificate with its key, and none when neither is set', () => {
    expect(ca({ CHARGER_CA_CERT_FILE: certs.file('ca.pem'), CHARGER_CA_KEY_FILE: certs.file('ca.key') })()?.validityDays).toBe(365);
    expect(ca({})()).toBeUndefined();
  });

  it.each([
    [{ CHARGER_CA_CERT_FILE: certs.file('ca.pem') }, /chargerCaKeyFile: required with chargerCaCertFile/],
    [{ CHARGER_CA_CERT_FILE: certs.file('nope.pem'), CHARGER_CA_KEY_FILE: certs.file('ca.key') }, /chargerCaCertFile: cannot read/],
    [{ CHARGER_CA_CERT_FILE: certs.file('ca.key'), CHARGER_CA_KEY_FILE: certs.file('ca.key') }, /chargerCaCertFile: .* is not a PEM certificate/],
    [{ CHARGER_CA_CERT_FILE: certs.file('ca.pem'), CHARGER_CA_KEY_FILE: certs.file('ca.pem') }, /chargerCaKeyFile: .* is not a PEM private key/],
    [{ CHARGER_CA_CERT_FILE: certs.file('ca.pem'), CHARGER_CA_KEY_FILE: certs.file('client-CP-CA-1.key') }, /chargerCaKeyFile: the key does not belong/],
    [{ CHARGER_CA_CERT_FILE: certs.file('client-CP-CA-1.pem'), CHARGER_CA_KEY_FILE: certs.file('client-CP-CA-1.key') }, /chargerCaCertFile: the certificate is not a CA/],
    [{ CHARGER_CA_CERT_FILE: certs.file('ca.pem'), CHARGER_CA_KEY_FILE: certs.file('ca.key'), CHARGER_CERT_VALIDITY_DAYS: '0' }, /chargerCertValidityDays \(env CHARGER_CERT_VALIDITY_DAYS\)/],
  ])('refuses %j', (env, message) => {
    expect(ca(env)).toThrow(ConfigError);
    expect(ca(env)).toThrow(message);
  });
});

describe('AuthorizationKey (1.6 security whitepaper)', () => {
  const change = (value: string) => () => validateCommand('1.6', 'ChangeConfiguration', { key: 'AuthorizationKey', value });

  it('is 16 to 20 bytes in hex', () => {
    expect(change('ab'.repeat(16))).not.toThrow();
    expect(change('AB'.repeat(20))).not.toThrow();
    for (const bad of ['ab'.repeat(15), 'ab'.repeat(21), 'zz'.repeat(16), 'abc'.repeat(11)]) {
      expect(change(bad), bad).toThrow(CommandError);
      expect(change(bad), bad).toThrow('16 to 20 bytes');
    }
  });
});

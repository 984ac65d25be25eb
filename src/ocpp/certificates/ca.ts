import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../../config.js';
import type { CertificateAuthority } from './issue.js';

function load<T>(key: 'chargerCaCertFile' | 'chargerCaKeyFile', path: string, parse: (pem: Buffer) => T): T {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return parse(pem);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${key}: ${path} is not a PEM ${key === 'chargerCaCertFile' ? 'certificate' : 'private key'} (${(err as Error).message})`);
  }
}

/** The CA that signs chargers' certificates, or undefined when none is configured; a bad file stops start-up naming its key. */
export function loadCertificateAuthority(config: Config): CertificateAuthority | undefined {
  if (!config.chargerCaCertFile || !config.chargerCaKeyFile) return undefined;
  const certificate = load('chargerCaCertFile', config.chargerCaCertFile, (pem) => new X509Certificate(pem));
  const key = load('chargerCaKeyFile', config.chargerCaKeyFile, (pem) => createPrivateKey(pem));
  if (!certificate.ca) throw new ConfigError('Invalid configuration: chargerCaCertFile: the certificate is not a CA (basicConstraints CA:TRUE)');
  if (!certificate.checkPrivateKey(key)) throw new ConfigError('Invalid configuration: chargerCaKeyFile: the key does not belong to the certificate in chargerCaCertFile');
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') throw new ConfigError(`Invalid configuration: chargerCaKeyFile: ${key.asymmetricKeyType} keys are not supported (RSA or EC)`);
  return { certificate, key, validityDays: config.chargerCertValidityDays };
}

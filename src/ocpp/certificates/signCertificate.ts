import type { ChargerContext, OcppDeps } from '../context.js';
import { parseSigningRequest } from './csr.js';
import { issueCertificate } from './issue.js';

/**
 * SignCertificate (1.6 security whitepaper A02/A03, 2.0.1 A02.FR.06…): the CSR must be signed by
 * its own key and name the charger as its commonName; then the configured CA issues the certificate,
 * and CertificateSigned brings it once the answer is out. Without a CA everything is Rejected.
 */
export function signCertificate(deps: OcppDeps, ctx: ChargerContext, csr: string, extra: Record<string, string> = {}): { status: 'Accepted' | 'Rejected' } {
  const ca = deps.certificateAuthority;
  if (!ca) {
    ctx.log.warn('SignCertificate rejected: no CA configured (chargerCaCertFile, chargerCaKeyFile)');
    return { status: 'Rejected' };
  }
  let chain: string;
  try {
    const request = parseSigningRequest(csr);
    if (request.commonName !== ctx.chargerId) throw new Error(`its commonName ${JSON.stringify(request.commonName ?? null)} is not the charger's id`);
    chain = issueCertificate(ca, request).chain;
  } catch (err) {
    ctx.log.warn({ reason: (err as Error).message }, 'SignCertificate rejected');
    return { status: 'Rejected' };
  }
  // After this handler's answer has gone out: the charger expects CertificateSigned only then.
  setImmediate(() => void deliver(deps, ctx, { certificateChain: chain, ...extra }));
  return { status: 'Accepted' };
}

async function deliver(deps: OcppDeps, ctx: ChargerContext, params: Record<string, string>): Promise<void> {
  const client = deps.registry.get(ctx.chargerId);
  if (!client) return void ctx.log.warn('CertificateSigned not sent: the charger is gone');
  try {
    const conf = (await client.call('CertificateSigned', params, { callTimeoutMs: deps.config.commandTimeoutMs })) as { status?: string };
    ctx.log.info({ status: conf?.status }, 'CertificateSigned answered');
  } catch (err) {
    ctx.log.warn({ err }, 'CertificateSigned failed');
  }
}

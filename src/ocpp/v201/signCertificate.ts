import type { Handler } from '../context.js';
import { signCertificate as sign } from '../certificates/signCertificate.js';

/** A charging station certificate is signed by the configured CA; a V2G certificate is not ours to issue (A02.FR.06). */
export const signCertificate: Handler = async (deps, ctx, params) => {
  if (params.certificateType === 'V2GCertificate') return { status: 'Rejected' };
  return sign(deps, ctx, params.csr, { certificateType: 'ChargingStationCertificate' });
};

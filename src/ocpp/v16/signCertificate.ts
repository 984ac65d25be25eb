import type { Handler } from '../context.js';
import { signCertificate as sign } from '../certificates/signCertificate.js';

/** 1.6 security whitepaper: the charge point asks for a certificate for its CSR. */
export const signCertificate: Handler = async (deps, ctx, params) => sign(deps, ctx, params.csr);

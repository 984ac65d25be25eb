import type { NextFunction, Request, Response } from 'express';
import type { OcpiPartnerStore, Partner } from '../store/ocpiPartners.js';
import { tokenCandidates } from './credentialsToken.js';
import { unauthorized } from './envelope.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The OCPI partner the credentials token names (set by partnerAuth). */
    ocpiPartner?: Partner;
  }
}

/**
 * Finds the partner by its credentials token. A pending partner's token (token A, or the token B
 * we sent while it registers us) opens versions and credentials only (OCPI 2.2.1 §4.1.2).
 */
export function partnerAuth(partners: OcpiPartnerStore, scope: 'handshake' | 'module') {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      for (const token of tokenCandidates(req.headers.authorization)) {
        const partner = await partners.byInboundToken(token);
        if (!partner) continue;
        if (partner.state === 'registered' || (partner.state === 'pending' && scope === 'handshake')) {
          req.ocpiPartner = partner;
          return next();
        }
      }
      next(unauthorized());
    } catch (err) {
      next(err);
    }
  };
}

export const partnerOf = (req: Request): Partner => req.ocpiPartner as Partner;

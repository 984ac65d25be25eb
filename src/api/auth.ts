import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';
import type { TokenCheck } from './adminToken.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function requireBearer(tokens: TokenCheck): RequestHandler {
  return (req, _res, next) => {
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return next(new ApiError('UNAUTHORIZED'));
    tokens.verify(token).then(
      (ok) => next(ok ? undefined : new ApiError('UNAUTHORIZED', 'The bearer token is not valid')),
      next,
    );
  };
}

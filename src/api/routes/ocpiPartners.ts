import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { requireAdmin, requireFreshSecondFactor } from '../scope.js';
import { requireOutboundUrls } from '../outboundUrls.js';
import type { Partner } from '../../store/ocpiPartners.js';
import type { Ocpi } from '../../ocpi/service.js';
import { HandshakeError } from '../../ocpi/client.js';

export const connectBody = z
  .strictObject({
    countryCode: z.string().regex(/^[A-Za-z]{2}$/, 'must be two letters (ISO 3166 alpha-2), e.g. NL'),
    partyId: z.string().regex(/^[A-Za-z0-9]{3}$/, 'must be three letters or digits, e.g. TNM'),
    versionsUrl: z
      .string()
      .max(2048, 'must be at most 2048 characters')
      .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http or https URL')
      .optional(),
    tokenA: z.string().regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 printable ASCII characters without spaces').optional(),
  })
  .refine((b) => (b.versionsUrl === undefined) === (b.tokenA === undefined), { path: ['tokenA'], message: 'goes with versionsUrl: give both (we register with the eMSP) or neither (the eMSP registers with us)' });

export const pullBody = z.strictObject({
  since: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time, e.g. 2026-12-01T00:00:00Z' }).optional(),
});

/** A partner as the API shows it: tokens never leave the gateway. */
function view(p: Partner) {
  const { outboundToken: _secret, ...rest } = p;
  return rest;
}

const requestBase = (req: Request) => `${req.protocol}://${req.get('host')}`;

/** OCPI partners (eMSPs): connect, update credentials, unregister, and the tokens each pushed. Operator admins only. */
export function ocpiPartnerRoutes(deps: ApiDeps): Router {
  const router = Router();
  const ocpi = (req: Request): Ocpi => {
    requireAdmin(req);
    if (!deps.ocpi) throw new ApiError('OCPI_NOT_CONFIGURED');
    return deps.ocpi;
  };
  const partner = async (req: Request) => (await deps.store.ocpiPartners.get(String(req.params.id))) ?? (() => { throw notFound('Partner'); })();

  router.get('/ocpi/partners', async (req, res) => {
    ocpi(req);
    res.json({ items: (await deps.store.ocpiPartners.list()).map(view) });
  });

  router.post('/ocpi/partners', async (req, res) => {
    const o = ocpi(req);
    requireFreshSecondFactor(req);
    const body = parseBody(connectBody, req.body);
    const taken = (await deps.store.ocpiPartners.list()).find(
      (p) => (p.state === 'registered' || p.state === 'pending') && p.countryCode === body.countryCode.toUpperCase() && p.partyId === body.partyId.toUpperCase(),
    );
    if (taken) throw new ApiError('CONFLICT', `${taken.countryCode}/${taken.partyId} is already ${taken.state}: update its credentials or unregister it first`, { partnerId: taken.id });
    if (body.versionsUrl) await requireOutboundUrls(deps.outbound, { versionsUrl: body.versionsUrl });
    const input = body.versionsUrl ? { ...body, versionsUrl: body.versionsUrl, tokenA: body.tokenA! } : { countryCode: body.countryCode, partyId: body.partyId };
    const { partner: p, tokenA, ourVersionsUrl } = await o.connect(input, requestBase(req));
    if (p.state === 'failed') throw new ApiError('OCPI_HANDSHAKE_FAILED', p.lastError ?? undefined, { partner: view(p) });
    res.status(201).json({ ...view(p), ...(tokenA && { tokenA }), ourVersionsUrl });
  });

  router.get('/ocpi/partners/:id', async (req, res) => {
    ocpi(req);
    res.json(view(await partner(req)));
  });

  router.put('/ocpi/partners/:id/credentials', async (req, res) => {
    const o = ocpi(req);
    requireFreshSecondFactor(req);
    const p = await partner(req);
    if (p.state !== 'registered') throw new ApiError('CONFLICT', `The partner is ${p.state}: only a registered partner's credentials can be updated`);
    const updated = await o.update(p, requestBase(req));
    if (updated.lastError) throw new ApiError('OCPI_HANDSHAKE_FAILED', updated.lastError, { partner: view(updated) });
    res.json(view(updated));
  });

  router.delete('/ocpi/partners/:id', async (req, res) => {
    const o = ocpi(req);
    res.json(view(await o.unregister(await partner(req))));
  });

  router.post('/ocpi/partners/:id/tokens/pull', async (req, res) => {
    const o = ocpi(req);
    const { since } = parseBody(pullBody, req.body ?? {});
    const p = await partner(req);
    if (p.state !== 'registered') throw new ApiError('CONFLICT', `The partner is ${p.state}: only a registered partner's tokens can be pulled`);
    try {
      res.json(await o.pullTokens(p, since));
    } catch (err) {
      if (!(err instanceof HandshakeError)) throw err;
      throw new ApiError('OCPI_PULL_FAILED', err.message);
    }
  });

  router.get('/ocpi/partners/:id/tokens', async (req, res) => {
    ocpi(req);
    const p = await partner(req);
    res.json({ items: await deps.store.ocpiTokens.listByPartner(p.id).then((ts) => ts.map((t) => t.token)) });
  });
  return router;
}

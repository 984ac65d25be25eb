import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { HandshakeError } from './client.js';
import { OCPI_STATUS, OcpiError, invalidParameters, issues, methodNotAllowed, success } from './envelope.js';
import { credentialsSchema, receiveCredentials } from './handshake.js';
import { partnerAuth, partnerOf } from './partnerAuth.js';
import { OCPI_VERSION, detailsUrl, ownCredentials, ownEndpoints, type OwnParty } from './party.js';
import { tokenRoutes } from './tokenRoutes.js';
import { locationRoutes } from './locationRoutes.js';
import { tokenCandidates } from './credentialsToken.js';

export interface OcpiRouterDeps {
  store: Store;
  http: HttpClient;
  party: OwnParty;
  log: Logger;
  partnersChanged(): void;
  tokenChanged(uid: string, type: string): void;
  /** A partner registered or updated its credentials with us: its token list can be pulled. */
  registered(partnerId: string): void;
}

/** Where eMSPs reach us: the configured public URL, or the host this request came to. */
export const baseUrl = (party: OwnParty, req: Request) => party.publicUrl ?? `${req.protocol}://${req.get('host')}`;

/** What the partner authenticated with: the credentials token it sends us now. */
const sentToken = (req: Request) => tokenCandidates(req.headers.authorization)[0] ?? '';

/** The OCPI 2.2.1 CPO interface under /ocpi: versions, credentials (both roles), tokens receiver. */
export function ocpiRouter(deps: OcpiRouterDeps): Router {
  const router = Router();
  const { store, party } = deps;
  const handshakeDeps = { http: deps.http, partners: store.ocpiPartners, party, log: deps.log };
  const handshake = partnerAuth(store.ocpiPartners, 'handshake');

  router.use(express.json({ limit: '256kb', strict: true }));

  router.get('/versions', handshake, (req, res) => {
    res.json(success([{ version: OCPI_VERSION, url: detailsUrl(baseUrl(party, req)) }]));
  });
  router.get(`/${OCPI_VERSION}`, handshake, (req, res) => {
    res.json(success({ version: OCPI_VERSION, endpoints: ownEndpoints(baseUrl(party, req)) }));
  });

  const credentials = `/${OCPI_VERSION}/credentials`;
  router.get(credentials, handshake, (req, res) => {
    res.json(success(ownCredentials(party, baseUrl(party, req), sentToken(req))));
  });
  const register = (method: 'POST' | 'PUT') => async (req: Request, res: Response) => {
    const partner = partnerOf(req);
    if (method === 'POST' && partner.state === 'registered') throw methodNotAllowed('Already registered: use PUT to update');
    if (method === 'PUT' && partner.state !== 'registered') throw methodNotAllowed('Not registered: use POST');
    const parsed = credentialsSchema.safeParse(req.body);
    if (!parsed.success) throw invalidParameters(`credentials: ${issues(parsed.error)}`);
    try {
      const ours = await receiveCredentials(handshakeDeps, partner, parsed.data, baseUrl(party, req));
      deps.partnersChanged();
      deps.registered(partner.id);
      res.json(success(ours));
    } catch (err) {
      if (!(err instanceof HandshakeError)) throw err;
      await store.ocpiPartners.update(partner.id, { lastError: err.message });
      throw new OcpiError(200, OCPI_STATUS.UNABLE_TO_USE_CLIENT_API, err.message);
    }
  };
  router.post(credentials, handshake, register('POST'));
  router.put(credentials, handshake, register('PUT'));
  router.delete(credentials, handshake, async (req, res) => {
    const partner = partnerOf(req);
    if (partner.state !== 'registered') throw methodNotAllowed('Not registered');
    await store.ocpiPartners.update(partner.id, { state: 'unregistered', inboundToken: null, outboundToken: null, lastError: null });
    deps.partnersChanged();
    res.json(success());
  });

  router.use(`/${OCPI_VERSION}/tokens`, partnerAuth(store.ocpiPartners, 'module'), tokenRoutes(store, deps.tokenChanged));
  router.use(`/${OCPI_VERSION}/locations`, partnerAuth(store.ocpiPartners, 'module'), locationRoutes(store, party, (req) => baseUrl(party, req)));
  router.use((_req, _res, next) => next(new OcpiError(404, OCPI_STATUS.CLIENT_ERROR, 'No such OCPI endpoint')));
  router.use(ocpiErrors(deps.log));
  return router;
}

/** Every refusal as an OCPI envelope; a body that is not JSON is 2001, a bug is 3000 and logged. */
function ocpiErrors(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let known: OcpiError | undefined = err instanceof OcpiError ? err : undefined;
    if (!known && err?.type === 'entity.parse.failed') known = invalidParameters('The body is not valid JSON');
    if (!known && err?.expose === true && err.status >= 400 && err.status < 500) known = new OcpiError(err.status, OCPI_STATUS.CLIENT_ERROR, 'The request could not be read');
    if (!known) {
      log.error({ requestId: req.requestId, method: req.method, err: { type: err?.name, message: String(err?.message ?? err) } }, 'OCPI request failed');
      known = new OcpiError(500, OCPI_STATUS.SERVER_ERROR, 'Internal error');
    }
    if (res.headersSent) return void res.end();
    res.status(known.httpStatus).json(known.envelope());
  };
}

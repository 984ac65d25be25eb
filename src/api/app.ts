import express, { type Express } from 'express';
import type { ApiDeps } from './deps.js';
import { apiDocsRoutes } from './apiDocs.js';
import { authenticate } from './auth.js';
import { ApiError, errorHandler } from './errors.js';
import { apiRoutes } from './routes/index.js';
import { openApiDocument } from './openapi.js';
import { metricsRoutes } from './metrics.js';
import { portalRoutes } from './portal.js';
import { httpMetrics } from './httpMetrics.js';
import { requestLog } from './requestLog.js';
import { requestIds } from './requestContext.js';
import { OCPI_STATUS, OcpiError } from '../ocpi/envelope.js';

/** Without an OCPI party, /ocpi says so in OCPI's own words rather than serving the portal. */
const ocpiOff = new OcpiError(404, OCPI_STATUS.CLIENT_ERROR, 'OCPI is not configured on this gateway');

/** Built without listening, so tests and main decide where it runs. */
export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestIds());
  app.use(httpMetrics(deps.metrics));
  app.use(requestLog(deps.log));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await deps.store.ping();
    res.status(database ? 200 : 503).json({ status: database ? 'ready' : 'unavailable', database });
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  app.use(apiDocsRoutes());
  app.use(metricsRoutes(deps));

  app.use('/api', authenticate(deps));
  app.use('/api', (req, _res, next) => {
    if (['POST', 'PATCH', 'PUT'].includes(req.method) && req.headers['content-length'] !== '0' && req.headers['content-type'] && !req.is('application/json')) {
      return next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
    }
    next();
  });
  app.use('/api', express.json({ limit: '1mb', strict: true }));
  app.use('/api', apiRoutes(deps));
  app.use('/api', (_req, _res, next) => next(new ApiError('NOT_FOUND', 'No such API route')));
  // eMSPs authenticate with OCPI credentials tokens and read OCPI envelopes, errors included.
  app.use('/ocpi', deps.ocpi?.router ?? ((_req, res) => void res.status(404).json(ocpiOff.envelope())));
  app.use(portalRoutes(deps.portalDir));
  app.use(errorHandler(deps.log));
  return app;
}

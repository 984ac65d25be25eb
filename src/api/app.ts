import express, { type Express } from 'express';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Installation } from '../store/installations.js';
import type { Recorder } from '../notifications/record.js';
import type { Notifications } from '../notifications/service.js';
import type { LiveFeed } from '../notifications/live.js';
import type { AuthenticationTest } from '../authorization/trial.js';
import type { Commands } from '../ocpp/commands.js';
import type { AddressPolicy } from '../http/addressPolicy.js';
import type { Registry } from '../ocpp/registry.js';
import type { TokenCheck } from './adminToken.js';
import { authenticate } from './auth.js';
import { ApiError, errorHandler } from './errors.js';
import { apiRoutes } from './routes/index.js';
import { openApiDocument } from './openapi.js';
import { metricsRoutes } from './metrics.js';
import { portalRoutes } from './portal.js';
import { httpMetrics } from './httpMetrics.js';
import { requestIds } from './requestContext.js';

export interface ApiDeps {
  config: Config;
  store: Store;
  log: Logger;
  commands: Commands;
  tokens: TokenCheck;
  registry: Registry;
  hooks: ApiHooks;
  events: Recorder;
  notifications: Notifications;
  /** Which hosts webhook and subscription URLs may point to. */
  outbound: AddressPolicy;
  /** Served at /metrics. */
  metrics: MetricsRegistry;
  /** Installations' events for GET /api/installations/:id/live. */
  live: LiveFeed;
  /** POST /api/installations/:id/authentication/test. */
  testAuthentication: AuthenticationTest;
  /** The portal's build; by default the one next to the code (src/api/portal.ts). */
  portalDir?: string;
}

/** What the rest of the gateway must hear about changes made through the API. */
export interface ApiHooks {
  authenticationChanged(before: Installation, after: Installation): void;
  /** An installation's id tags were added, changed or removed (or the installation itself). */
  idTagsChanged(installationId: string): void;
}

/** Built without listening, so tests and main decide where it runs. */
export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestIds());
  app.use(httpMetrics(deps.metrics));

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
  app.use(portalRoutes(deps.portalDir));
  app.use(errorHandler(deps.log));
  return app;
}

import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { installationRoutes } from './installations.js';
import { chargerRoutes } from './chargers.js';
import { idTagRoutes } from './idTags.js';
import { transactionRoutes } from './transactions.js';
import { commandRoutes } from './commands.js';
import { subscriptionRoutes } from './subscriptions.js';
import { chargerSecurityRoutes } from './chargerSecurity.js';
import { authRoutes } from './auth.js';
import { userRoutes } from './users.js';
import { memberRoutes } from './members.js';
import { tokenRoutes } from './tokens.js';
import { auditRoutes } from './audit.js';
import { liveRoutes } from './live.js';
import { authenticationTestRoutes } from './authenticationTest.js';
import { localListRoutes } from './localLists.js';
import { reservationRoutes } from './reservations.js';
import { chargingProfileRoutes } from './chargingProfiles.js';
import { dashboardRoutes } from './dashboard.js';
import { ocpiPartnerRoutes } from './ocpiPartners.js';
import { authorizationSourceRoutes } from './authorizationSources.js';
import { installationLocationRoutes } from './installationLocation.js';

/** One router per resource; each declares its full paths under /api, so a grep finds a route. */
export const resourceRouters: ReadonlyArray<(deps: ApiDeps) => Router> = [
  installationRoutes,
  chargerRoutes,
  idTagRoutes,
  transactionRoutes,
  commandRoutes,
  subscriptionRoutes,
  chargerSecurityRoutes,
  authRoutes,
  userRoutes,
  memberRoutes,
  tokenRoutes,
  auditRoutes,
  liveRoutes,
  authenticationTestRoutes,
  localListRoutes,
  reservationRoutes,
  chargingProfileRoutes,
  dashboardRoutes,
  ocpiPartnerRoutes,
  authorizationSourceRoutes,
  installationLocationRoutes,
];

/** Mounts every resource router; each lives in its own file. */
export function apiRoutes(deps: ApiDeps): Router {
  const router = Router();
  for (const routes of resourceRouters) router.use(routes(deps));
  return router;
}

export interface RegisteredRoute {
  method: string;
  /** OpenAPI form: /api/chargers/{id}. */
  path: string;
}

/** What the routers actually serve, so the OpenAPI document can be checked against it. */
export function registeredRoutes(deps: ApiDeps): RegisteredRoute[] {
  return resourceRouters.flatMap((routes) =>
    routes(deps).stack.flatMap((layer) => {
      if (!layer.route) return [];
      const path = `/api${layer.route.path.replace(/:(\w+)/g, '{$1}')}`;
      const methods = Object.keys((layer.route as unknown as { methods: Record<string, boolean> }).methods);
      return methods.map((method) => ({ method, path }));
    }),
  );
}

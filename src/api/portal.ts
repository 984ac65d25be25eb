import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { nameRoute, nameServed } from './requestContext.js';

/**
 * Where `vite build` put the portal: dist/portal, seen from dist/src/api (npm start) or from
 * src/api (tests and `npm run dev`, which run the sources).
 */
export function findPortalDir(): string | undefined {
  const candidates = ['../../portal', '../../dist/portal'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}/index.html`));
}

/**
 * The app only loads its own files and talks to its own origin; the QR code at enrolment is a
 * data: image. No framing: the pages hold credentials and buttons worth clickjacking.
 */
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const PLACEHOLDER = `<!doctype html><meta charset="utf-8"><title>Portal not built</title>
<p>The portal has not been built. Run <code>npm run build</code> (npm start does it), then reload.</p>`;

/**
 * The site owners' portal at `/`: the built files, and index.html for any other page path so
 * the app's own routes survive a reload. Vite names assets by content hash, so they are cached
 * for a year; index.html is revalidated every time so a new build is picked up at once.
 * Only GET/HEAD outside /api reach the fallback: API clients keep their JSON 404s.
 */
/** Every path outside /api: the app's own routes (/installations/…) answer with its page. */
const PAGE_PATHS = /^\/(?!api(\/|$)).*/;

/** The label of those paths in logs and metrics. */
export const PORTAL_PAGE = '/{portal page}';

/** `dir` null: no build (the placeholder page). */
export function portalRoutes(dir: string | null = findPortalDir() ?? null): Router {
  const router = Router();
  if (!dir) {
    router.get(PAGE_PATHS, nameRoute(PORTAL_PAGE), (_req, res) => {
      res.status(503).type('html').set('cache-control', 'no-store').send(PLACEHOLDER);
    });
    return router;
  }
  router.use('/assets', express.static(`${dir}/assets`, { immutable: true, maxAge: '365d', index: false, setHeaders: (res) => nameServed(res, '/assets/{file}') }));
  // An old hash after a new build: a plain 404, not the app page in place of a script.
  router.use('/assets', (_req, res) => void res.status(404).end());
  router.use(
    express.static(dir, {
      index: false,
      setHeaders: (res) => {
        res.setHeader('cache-control', 'no-cache');
        nameServed(res, '/{file}');
      },
    }),
  );
  router.get(PAGE_PATHS, nameRoute(PORTAL_PAGE), (req, res, next) => {
    if (!req.accepts('html')) return next();
    // With `root`, only the path below it is checked for dot-folders; the install path may have them (~/.local/…).
    res.set(PAGE_HEADERS).sendFile('index.html', { root: dir });
  });
  return router;
}

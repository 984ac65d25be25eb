import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router } from 'express';
import { nameServed } from './requestContext.js';
import { ApiError } from './errors.js';

/** swagger-ui-dist: the Swagger UI team's prebuilt bundle, no dependencies, served from node_modules (no CDN). */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Its own files only; Swagger UI sets some styles inline. No framing, as for the portal. */
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OCPP authorization gateway: API reference</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

// A file rather than an inline script, so the page's CSP needs no 'unsafe-inline' for scripts.
// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, tryItOutEnabled: false });\n`;

/** GET /api/docs: the API reference, rendered from /api/openapi.json; public, like the document. */
export function apiDocsRoutes(): Router {
  const router = Router();
  router.get('/api/docs', (_req, res) => void res.set(PAGE_HEADERS).type('html').send(PAGE));
  router.get('/api/docs/init.js', (_req, res) => void res.set('cache-control', 'no-cache').type('js').send(INIT));
  router.use('/api/docs', express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1d', setHeaders: (res) => nameServed(res, '/api/docs/{file}') }));
  // A missing file answers like the rest of /api, not with a sign-in demand.
  router.use('/api/docs', (_req, _res, next) => next(new ApiError('NOT_FOUND', 'No such file')));
  return router;
}

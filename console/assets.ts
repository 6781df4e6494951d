/**
 * The console's static files: its stylesheet and script, and htmx from node_modules — served by this
 * app, never from a CDN, cached for a day.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

const require = createRequire(import.meta.url);

export function htmxPath(): string {
  return join(dirname(require.resolve('htmx.org/package.json')), 'dist', 'htmx.min.js');
}

export function assetRoutes(): Router {
  const router = Router();
  router.get('/htmx.min.js', (_req, res) => {
    res.setHeader('cache-control', 'public, max-age=86400');
    res.sendFile(htmxPath());
  });
  router.use(express.static(fileURLToPath(new URL('./assets', import.meta.url)), { maxAge: '1d', index: false }));
  return router;
}

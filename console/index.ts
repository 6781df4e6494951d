/**
 * The console: server-rendered pages for people, on the API's own app under `/console`. Pages are
 * eta templates with htmx 2 for the parts that refresh themselves, both served from this app (no
 * CDN), under a CSP of their own that allows no inline script or style. Every page reads and writes
 * through the API as the signed-in user (console/api-client.ts) or through the API's query modules
 * with its visibility rules, so what the console shows is what the API would answer that user.
 */
import express, { Router, type ErrorRequestHandler } from 'express';
import helmet from 'helmet';
import type { RouteDeps } from '../api/app.ts';
import { AppError } from '../lib/errors.ts';
import { ApiError } from './api-client.ts';
import { assetRoutes } from './assets.ts';
import { langRoutes } from './pages/language.ts';
import { dashboardPage } from './pages/dashboard.ts';
import { engagementPages } from './pages/engagement.ts';
import { inboxPage } from './pages/inbox.ts';
import { launchPage } from './pages/launch.ts';
import { publicRequestPage } from './pages/public-request.ts';
import { requestsPage } from './pages/requests.ts';
import { signInPage } from './pages/sign-in.ts';
import { taskPage } from './pages/task.ts';
import { render } from './render.ts';
import { requireSignIn } from './session.ts';

/** No inline script or style anywhere; forms post only to this app; no framing. */
const consoleCsp = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
});

export function consoleRoutes(deps: RouteDeps): Router {
  const router = Router();
  router.use(consoleCsp);
  router.use('/assets', assetRoutes());
  router.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 5000 }));
  router.get('/', (_req, res) => res.redirect(303, '/console/dashboard'));
  router.use(langRoutes());
  router.use(signInPage(deps));
  router.use(publicRequestPage(deps));
  router.use(requireSignIn(deps.sessions));
  router.use(dashboardPage(deps));
  router.use(inboxPage(deps));
  router.use(taskPage(deps));
  router.use(launchPage(deps));
  router.use(engagementPages(deps));
  router.use(requestsPage(deps));
  router.use((req, res) => render(req, res, 'message', { title: 'error.notFound', text: 'error.notFoundText' }, 404));
  router.use(consoleErrors(deps));
  return router;
}

/** Errors as pages: what the API said (its detail) with the status it chose; anything else is logged. */
function consoleErrors(deps: RouteDeps): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof ApiError) {
      const status = error.problem.status;
      render(
        req,
        res,
        'message',
        { title: `error.status${status >= 500 ? 500 : status}`, detail: error.problem.detail },
        status,
      );
      return;
    }
    if (error instanceof AppError) {
      const status = error.code === 'forbidden' ? 403 : error.code === 'not-found' ? 404 : 400;
      render(req, res, 'message', { title: `error.status${status}`, detail: error.message }, status);
      return;
    }
    deps.logger.error({ err: error, reqId: req.id }, 'console page failed');
    render(req, res, 'message', { title: 'error.status500', text: 'error.unexpected' }, 500);
  };
}

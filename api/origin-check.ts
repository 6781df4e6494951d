/**
 * Cross-site request forgery: a write (POST, PUT, PATCH, DELETE) authenticated by the session
 * cookie must come from the API's own origin. SameSite=Strict keeps the cookie off cross-site
 * requests in today's browsers; this check does not rest on that. The browser says where a request
 * comes from in `Origin`, else in `Sec-Fetch-Site`, else in `Referer`; a request that names a
 * foreign one is refused (403). A request naming none is not from a page a browser loaded (every
 * current browser sends `Origin` on such writes) and passes. Calls with an API key in the
 * Authorization header carry no ambient credential and are not checked.
 */
import type { Request } from 'express';
import { AppError } from '../lib/errors.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The origin of a URL (`scheme://host[:port]`), or null when it is not one (`null`, garbage). */
function originOf(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** Throws 403 when a cookie-authenticated write names an origin other than the API's own. */
export function assertSameOrigin(req: Request): void {
  if (!req.session || !WRITES.has(req.method)) return;
  // The scheme and host the client reached: X-Forwarded-Proto/-Host count only from TRUST_PROXY.
  const own = originOf(`${req.protocol}://${req.host}`);
  const origin = req.get('origin');
  const fetchSite = req.get('sec-fetch-site');
  const referer = req.get('referer');
  let foreign: string | null = null;
  if (origin !== undefined) {
    if (originOf(origin) !== own) foreign = `Origin ${origin.slice(0, 200)}`;
  } else if (fetchSite !== undefined) {
    if (fetchSite !== 'same-origin' && fetchSite !== 'none') foreign = `Sec-Fetch-Site ${fetchSite.slice(0, 50)}`;
  } else if (referer !== undefined) {
    if (originOf(referer) !== own) foreign = `a Referer from ${originOf(referer) ?? 'an unreadable address'}`;
  }
  if (foreign !== null) {
    throw new AppError(
      'forbidden',
      `Cross-site request refused: a ${req.method} signed in by the session cookie must come from ${own ?? 'this API'}, ` +
        `but the request names ${foreign}. Send it from the console, or call with "Authorization: Bearer <key>".`,
      { reason: 'cross-origin' },
    );
  }
}

/**
 * Malformed percent-encoding in a path (`/v1/tasks/%ff`) is the client's mistake: every segment is
 * decoded once here, before any route, and one that does not decode is answered 400 naming it.
 * Without this, Express's router fails to decode the route parameter and the error is a 500.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../lib/errors.ts';

/** The first segment of `path` that is not valid percent-encoded UTF-8, or null. */
export function malformedSegment(path: string): string | null {
  if (!path.includes('%')) return null;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return null;
}

export const pathEncoding: RequestHandler = (req, _res, next) => {
  const segment = malformedSegment(req.path);
  if (segment === null) {
    next();
    return;
  }
  const shown = segment.length > 100 ? `${segment.slice(0, 100)}…` : segment;
  next(
    new AppError(
      'request-invalid',
      `The path segment "${shown}" is not valid percent-encoding: write each byte as % and two hex digits, and only bytes of UTF-8.`,
      { errors: [{ path: shown, message: 'is not valid percent-encoded UTF-8' }] },
    ),
  );
};

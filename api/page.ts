/**
 * Keyset cursors of the list endpoints: opaque to clients, they carry the sort key of the last row
 * of a page (created_at exact to the microsecond, and the id that breaks ties).
 */
import { AppError } from '../lib/errors.ts';

export const DEFAULT_LIMIT = 50;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

/** A cursor of a list in id order: the id of the last row of the page. */
export function encodeIdCursor(id: string): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

export function decodeIdCursor(cursor: string, idPattern: RegExp): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' && idPattern.test(value[0])) {
      return value[0];
    }
  } catch {
    // falls through to the refusal
  }
  return refuseCursor();
}

function refuseCursor(): never {
  throw new AppError('request-invalid', 'Query parameter "cursor" is not a cursor this API returned.', {
    errors: [{ path: 'cursor', message: 'is not a cursor this API returned' }],
  });
}

export function decodeCursor(cursor: string, idPattern: RegExp = /^.{1,300}$/): { createdAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(value[0]) &&
      idPattern.test(value[1])
    ) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // falls through to the refusal
  }
  return refuseCursor();
}

/** The validated `limit` query value (the gate checked its range), or the default. */
export function pageLimit(raw: string | undefined): number {
  return raw === undefined ? DEFAULT_LIMIT : Number(raw);
}

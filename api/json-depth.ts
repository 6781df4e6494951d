/**
 * A cap on how deeply a JSON body nests, checked on the raw bytes before parsing: one pass that
 * counts brackets outside strings, so a body nested 100,000 deep costs a linear scan and never
 * reaches JSON.parse, the schema check or a handler (each of which walks the value recursively).
 */
import { refuseField } from './field-errors.ts';

/** Deepest nesting of objects and arrays a JSON body may have; real requests use fewer than 10. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** The deepest nesting in `bytes`, stopping early once it passes `limit`; malformed input is left to the parser. */
export function jsonDepth(bytes: Uint8Array, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

/** Throws 400, pointing at the body, when it nests deeper than MAX_JSON_DEPTH. */
export function assertJsonDepth(bytes: Uint8Array): void {
  if (jsonDepth(bytes) > MAX_JSON_DEPTH) {
    refuseField('body', `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`, {
      detail: `The body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep; flatten it.`,
    });
  }
}

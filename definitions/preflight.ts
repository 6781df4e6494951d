/**
 * Checks that run on the raw text before the YAML parser sees it. The parser recurses on nesting and
 * can exhaust the stack on a deep document — a process abort, not an exception — and aliases can
 * expand exponentially; both are refused here, by a flat scan and yaml's (non-recursive) lexer.
 * The lexer also counts keys and values: parsing, schema checks and error reports cost time per
 * node, so a document of many tiny nodes is refused before any of them is built.
 */
import { CST, Lexer } from 'yaml';
import type { DefinitionIssue } from './definition-error.ts';
import { SourcePositions } from './source-position.ts';

export const PREFLIGHT_LIMITS = Object.freeze({
  /** Bytes of UTF-8. */
  maxBytes: 1024 * 1024,
  /** Depth of `[`/`{` nesting. */
  maxFlowDepth: 32,
  /** Leading spaces of a line, which bounds block nesting. */
  maxIndent: 128,
  /**
   * Keys, values and list items (scalars, `-` items, `,` separators and bracket openings). The
   * largest definition the schema allows in practice (500 steps with forms) has about 10,000.
   */
  maxNodes: 25_000,
  maxIssues: 50,
});

/** Lexer token types that each stand for one key, value or item. */
const NODE_TOKENS: ReadonlySet<string> = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'seq-item-ind',
  'explicit-key-ind',
  'flow-map-start',
  'flow-seq-start',
  'comma',
]);

/** Tokens the lexer emits that stand for no source text. */
const CONTROL_TOKENS: ReadonlySet<string> = new Set(['\u0002', '\u0018', '\u001f']);

/** Returns the problems found; an empty list means the text may be parsed. */
export function preflight(source: string, file: string): DefinitionIssue[] {
  const issue = (offset: number, message: string, hint?: string): DefinitionIssue => ({
    file,
    ...positions.at(offset),
    path: '',
    message,
    ...(hint ? { hint } : {}),
  });
  const bytes = new TextEncoder().encode(source).length;
  if (bytes > PREFLIGHT_LIMITS.maxBytes) {
    return [
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `the definition is ${bytes} bytes; at most ${PREFLIGHT_LIMITS.maxBytes} are allowed`,
        hint: 'split it into smaller processes and call them as subprocess steps',
      },
    ];
  }
  const positions = new SourcePositions(source);
  const issues: DefinitionIssue[] = [];

  let lineStart = 0;
  for (let i = 0; i <= source.length; i++) {
    if (i < source.length && source.charCodeAt(i) !== 10) continue;
    let indent = 0;
    while (source.charCodeAt(lineStart + indent) === 32) indent++;
    if (indent > PREFLIGHT_LIMITS.maxIndent) {
      issues.push(
        issue(
          lineStart,
          `the line is indented ${indent} spaces; at most ${PREFLIGHT_LIMITS.maxIndent} are allowed`,
          'nest less deeply',
        ),
      );
      return issues;
    }
    lineStart = i + 1;
  }

  let offset = 0;
  let depth = 0;
  let afterScalarMarker = false;
  let compact = 0;
  let nodes = 0;
  for (const token of new Lexer().lex(source)) {
    if (CONTROL_TOKENS.has(token)) {
      afterScalarMarker = token === '\u001f';
      continue;
    }
    const type = afterScalarMarker ? 'scalar' : CST.tokenType(token);
    afterScalarMarker = false;
    if (type !== null && NODE_TOKENS.has(type) && ++nodes > PREFLIGHT_LIMITS.maxNodes) {
      issues.push(
        issue(
          offset,
          `the definition has more than ${PREFLIGHT_LIMITS.maxNodes} keys, values and list items`,
          'split it into smaller processes and call them as subprocess steps',
        ),
      );
      return issues;
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      depth++;
      if (depth > PREFLIGHT_LIMITS.maxFlowDepth) {
        issues.push(
          issue(
            offset,
            `brackets are nested more than ${PREFLIGHT_LIMITS.maxFlowDepth} deep`,
            'write nested data as indented blocks, and keep it shallow',
          ),
        );
        return issues;
      }
    } else if (type === 'flow-map-end' || type === 'flow-seq-end') {
      depth = Math.max(0, depth - 1);
    } else if (type === 'newline') {
      compact = 0;
    } else if ((type === 'seq-item-ind' || type === 'explicit-key-ind') && depth === 0) {
      // `- - - x` nests without indentation.
      if (++compact > PREFLIGHT_LIMITS.maxFlowDepth) {
        issues.push(
          issue(
            offset,
            `items are nested more than ${PREFLIGHT_LIMITS.maxFlowDepth} deep on one line`,
            'nest less deeply',
          ),
        );
        return issues;
      }
    } else if (type === 'anchor') {
      issues.push(issue(offset, `anchors (${token}) are not allowed`, 'write the value out where it is needed'));
    } else if (type === 'alias') {
      issues.push(issue(offset, `aliases (${token}) are not allowed`, 'write the value out where it is needed'));
    } else if (type === 'tag') {
      issues.push(issue(offset, `tags (${token}) are not allowed`, 'remove the tag; values are plain YAML'));
    }
    if (issues.length >= PREFLIGHT_LIMITS.maxIssues) break;
    offset += token.length;
  }
  return issues;
}

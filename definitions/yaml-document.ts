/**
 * Parses a definition's YAML strictly (YAML 1.2 core schema: `yes` is text, `"90"` is text, keys
 * are unique) and keeps positions, so every later check can point at a line and column.
 *
 * Everything here is linear in the document: duplicate keys are found with one set per mapping
 * (the parser's own check compares every key with every earlier one), and positions are looked up
 * through an index of each mapping's keys built on first use.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import type { DefinitionIssue } from './definition-error.ts';
import type { JsonValue } from './model.ts';
import { SourcePositions } from './source-position.ts';

export type PathSegment = string | number;

export interface ParsedYaml {
  value: JsonValue;
  /** Line and column of the node at `path` (of its key, with `key: true`), or of its nearest ancestor. */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): { line: number; column: number };
  /** Source offset of a scalar's first content character, for positions inside strings. */
  scalarStart(path: readonly PathSegment[]): { offset: number; quoted: boolean; singleLine: boolean } | undefined;
  positions: SourcePositions;
}

/** `steps[2].timeout` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function humanYamlMessage(code: string, message: string): { message: string; hint?: string } {
  switch (code) {
    case 'DUPLICATE_KEY':
      return { message: 'this key appears twice in the same mapping', hint: 'keep one of them' };
    case 'TAB_AS_INDENT':
      return { message: 'tabs cannot indent YAML', hint: 'indent with spaces' };
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return {
        message: `the YAML is malformed here: ${message.split('\n')[0]}`,
        hint: 'check indentation, colons and brackets',
      };
    default:
      return { message: `the YAML is malformed here: ${message.split('\n')[0]}` };
  }
}

export function parseYaml(source: string, file: string): { parsed?: ParsedYaml; issues: DefinitionIssue[] } {
  const positions = new SourcePositions(source);
  const doc = parseDocument(source, {
    lineCounter: new LineCounter(),
    prettyErrors: false,
    strict: true,
    uniqueKeys: false,
    merge: false,
    version: '1.2',
    schema: 'core',
  });
  const issues: DefinitionIssue[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const { message, hint } = humanYamlMessage(error.code, error.message);
    issues.push({ file, ...positions.at(error.pos[0]), path: '', message, ...(hint ? { hint } : {}) });
  }
  if (issues.length > 0) return { issues };
  if (doc.contents === null) {
    return { issues: [{ file, line: 1, column: 1, path: '', message: 'the definition is empty' }] };
  }
  const value = toJson(doc.contents as YamlNode, [], file, positions, issues);
  if (issues.length > 0) return { issues };
  return { parsed: createParsed(doc, positions, value), issues };
}

function offsetOf(node: YamlNode | null | undefined): number | undefined {
  return node?.range?.[0];
}

function toJson(
  node: YamlNode,
  path: PathSegment[],
  file: string,
  positions: SourcePositions,
  issues: DefinitionIssue[],
): JsonValue {
  const fail = (at: YamlNode, message: string, hint?: string): null => {
    issues.push({
      file,
      ...positions.at(offsetOf(at) ?? 0),
      path: formatPath(path),
      message,
      ...(hint ? { hint } : {}),
    });
    return null;
  };
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      return Number.isFinite(v) ? v : fail(node, `${String(v)} is not a number a definition can use`);
    }
    return fail(node, 'this value is not plain data');
  }
  if (isSeq(node)) {
    return node.items.map((item, index) => toJson(item as YamlNode, [...path, index], file, positions, issues));
  }
  if (isMap(node)) {
    const out: { [key: string]: JsonValue } = {};
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
        fail(key ?? node, 'mapping keys must be plain text', 'write the key as a word');
        continue;
      }
      const name = String(key.value);
      if (name === '<<') {
        fail(key, 'merge keys (<<) are not allowed', 'write the values out where they are needed');
        continue;
      }
      if (seen.has(name)) {
        fail(key, 'this key appears twice in the same mapping', 'keep one of them');
        continue;
      }
      seen.add(name);
      const value =
        pair.value === null ? null : toJson(pair.value as YamlNode, [...path, name], file, positions, issues);
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return fail(node, 'anchors, aliases and tags are not allowed');
}

function createParsed(doc: Document, positions: SourcePositions, value: JsonValue): ParsedYaml {
  // Each mapping's pairs by key text, built the first time a path goes through it.
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
      }
      indexes.set(map, index);
    }
    return index.get(key);
  };
  const find = (path: readonly PathSegment[]): { node: YamlNode; keyNode?: YamlNode; complete: boolean } => {
    let node = doc.contents as YamlNode;
    let keyNode: YamlNode | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = pairOf(node, String(segment));
        if (!pair) return { node, complete: false };
        keyNode = pair.key as YamlNode;
        if (pair.value === null) return { node: keyNode, keyNode, complete: true };
        node = pair.value as YamlNode;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
        keyNode = undefined;
        node = node.items[segment] as YamlNode;
      } else {
        return { node, complete: false };
      }
    }
    return { node, ...(keyNode ? { keyNode } : {}), complete: true };
  };
  return {
    value,
    positions,
    locate(path, options) {
      const { node, keyNode, complete } = find(path);
      const target = options?.key && complete && keyNode ? keyNode : node;
      return positions.at(offsetOf(target) ?? 0);
    },
    scalarStart(path) {
      const { node, complete } = find(path);
      if (!complete || !isScalar(node) || !node.range) return undefined;
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      const start = positions.at(node.range[0]);
      const end = positions.at(node.range[1]);
      return { offset: node.range[0] + (quoted ? 1 : 0), quoted, singleLine: start.line === end.line };
    },
  };
}

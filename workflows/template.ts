/**
 * Text with `${…}` expressions. A value that is exactly one `${…}` is an expression returning any
 * JSON value; text around `${…}` parts is interpolation; `$${` writes a literal `${`.
 */
import type { ConcatNode, ExprNode } from '../definitions/model.ts';

export interface ExpressionSite {
  /** CEL source. */
  source: string;
  /** Offset of the source within the text it came from. */
  offset: number;
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type Part = string | ExpressionSite;

/** Splits text into literal parts and expressions; throws TemplateSyntaxError on an unclosed `${`. */
export function splitTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const start = i + 2;
      const end = closingBrace(text, start);
      if (end < 0) throw new TemplateSyntaxError("'${' is not closed by '}'", i);
      if (literal) parts.push(literal);
      literal = '';
      const raw = text.slice(start, end);
      const lead = raw.length - raw.trimStart().length;
      parts.push({ source: raw.trim(), offset: start + lead });
      i = end + 1;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      while (i < text.length && !text.startsWith(quote, i)) i += text[i] === '\\' ? 2 : 1;
      i += quote.length;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
    i++;
  }
  return -1;
}

/** Expression sites of a text, for checking. */
export function templateExpressions(text: string): ExpressionSite[] {
  return splitTemplate(text).filter((p): p is ExpressionSite => typeof p !== 'string');
}

/** Compiles text to a plain string, an ExprNode (exactly `${…}`) or a ConcatNode. */
export function compileTemplateString(text: string): string | ExprNode | ConcatNode {
  const parts = splitTemplate(text);
  if (parts.length === 1 && typeof parts[0] !== 'string' && parts[0]) return { $expr: parts[0].source };
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return { $concat: parts.map((p) => (typeof p === 'string' ? p : { $expr: p.source })) };
}

/** A field that holds one expression (`when`, `items`, `until`): bare CEL or exactly `${…}`. */
export function bareExpression(text: string): ExpressionSite {
  const lead = text.length - text.trimStart().length;
  if (!text.trimStart().startsWith('${')) return { source: text.trim(), offset: lead };
  const parts = splitTemplate(text.trim());
  const only = parts[0];
  if (parts.length !== 1 || only === undefined || typeof only === 'string') {
    throw new TemplateSyntaxError('write one expression: either bare CEL or a single ${…}', lead);
  }
  return { source: only.source, offset: only.offset + lead };
}

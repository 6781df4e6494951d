import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH } from './contract.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is data of an open shape */
type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function resolve(document: Json, node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  const target = (node.$ref as string)
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((at: Json, key) => at?.[key], document);
  return resolve(document, target);
}

const exemplified = (node: Json): boolean => node?.example !== undefined || node?.examples !== undefined;

/**
 * What every operation owes a reader: a description, and an example of what to send or what comes
 * back (a JSON body to send always has one). An operation with nothing to show — no parameters,
 * no body, no content in its answer — needs no example.
 */
export function undocumentedOperations(document: Json): string[] {
  const problems: string[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const name = `${method.toUpperCase()} ${path}`;
      if (typeof operation.description !== 'string' || operation.description.trim().length < 20) {
        problems.push(`${name}: no description`);
      }
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p: Json) =>
        resolve(document, p),
      );
      const bodies = Object.entries<Json>(resolve(document, operation.requestBody)?.content ?? {});
      const answers = Object.entries<Json>(operation.responses ?? {})
        .filter(([status]) => /^[23]/.test(status))
        .flatMap(([, response]) => Object.values<Json>(resolve(document, response)?.content ?? {}));
      for (const [type, media] of bodies) {
        if (type === 'application/json' && !exemplified(media)) problems.push(`${name}: no example of its JSON body`);
      }
      const examples = [...parameters, ...bodies.map(([, media]) => media), ...answers].filter(exemplified);
      const showable = parameters.length + bodies.length + answers.length;
      if (showable > 0 && examples.length === 0) problems.push(`${name}: no example`);
    }
  }
  return problems;
}

describe('the OpenAPI document', () => {
  const document = parse(readFileSync(OPENAPI_PATH, 'utf8')) as Json;

  it('when any operation is read, then it has a description and an example', () => {
    expect(undocumentedOperations(document)).toEqual([]);
  });

  it('when an operation is added without a description or examples, then the check names it', () => {
    const added = structuredClone(document);
    added.paths['/v1/widgets'] = {
      post: {
        operationId: 'createWidget',
        summary: 'A widget',
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          '201': { description: 'Created', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    };
    expect(undocumentedOperations(added).filter((problem) => problem.startsWith('POST /v1/widgets'))).toEqual([
      'POST /v1/widgets: no description',
      'POST /v1/widgets: no example of its JSON body',
      'POST /v1/widgets: no example',
    ]);
  });

  it('when every tag is read, then it is described, and every operation names a declared tag', () => {
    const tags = new Map<string, Json>(document.tags.map((tag: Json) => [tag.name, tag]));
    for (const tag of tags.values()) expect(tag.description, tag.name).toBeTruthy();
    for (const item of Object.values<Json>(document.paths)) {
      for (const method of METHODS) for (const tag of item[method]?.tags ?? []) expect(tags.has(tag), tag).toBe(true);
    }
  });
});

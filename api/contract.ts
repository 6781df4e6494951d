/**
 * The OpenAPI document (api/openapi.yaml) as the API's contract: the one description of every
 * route, compiled once with ajv. The app uses it to find the operation of a request and validate
 * path, query and body before a handler runs; the test helpers use the same compiled document to
 * check every response they receive.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { AppError } from '../lib/errors.ts';
import { fieldErrors, messageOf, summarize } from './field-errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const OPENAPI_PATH = new URL('./openapi.yaml', import.meta.url);

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is data of an open shape */
type Json = any;

export interface Operation {
  operationId: string;
  method: Method;
  /** The path template as written in the document, e.g. `/v1/engagements/{id}`. */
  path: string;
  /** True when the operation needs no API key (`security: []`). */
  public: boolean;
  /** Media types of the request body; empty when the operation takes none. */
  bodyTypes: string[];
  bodyRequired: boolean;
  validateBody: ValidateFunction | null;
  validateQuery: ValidateFunction;
  queryNames: string[];
  validatePath: ValidateFunction;
  /** status → media type → validator (null when the body is not JSON). */
  responses: Map<string, Map<string, ValidateFunction | null>>;
  regex: RegExp;
  paramNames: string[];
}

export interface Contract {
  document: Json;
  operations: Operation[];
  /** The operation for a method and a full path, with its path parameters; null when none. */
  find(method: string, path: string): { operation: Operation; params: Record<string, string> } | null;
  /** The methods the document has for a full path (upper case); empty when the path is unknown. */
  methodsOf(path: string): string[];
}

function pointer(document: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node: Json, key) => node?.[key], document);
}

/** Follows a `$ref` to a parameter, response or request body (schemas are left to ajv). */
function deref(document: Json, node: Json): Json {
  let current = node;
  for (let depth = 0; current && typeof current.$ref === 'string' && depth < 10; depth += 1) {
    current = pointer(document, current.$ref);
  }
  return current;
}

/** Rewrites `#/components/...` refs so that schemas compiled on their own resolve into the document. */
function rebase(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"openapi.json#/'));
}

function templateRegex(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]!);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), names };
}

function newAjv(coerceTypes: boolean): Ajv2020 {
  return addFormats(new Ajv2020({ allErrors: true, strict: false, coerceTypes, useDefaults: false }));
}

/** Loads and compiles the document. Reads the file: call it from a composition root, not at import. */
export function loadContract(source: string = readFileSync(OPENAPI_PATH, 'utf8')): Contract {
  const document: Json = parse(source);
  const bodies = newAjv(false);
  const params = newAjv(true);
  const components = { $id: 'openapi.json', components: rebase(document.components ?? {}) };
  bodies.addSchema(components);
  params.addSchema(components);

  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => deref(document, p));
      const query = parameters.filter((p: Json) => p.in === 'query');
      const inPath = parameters.filter((p: Json) => p.in === 'path');
      const requestBody = op.requestBody ? deref(document, op.requestBody) : null;
      const jsonBody = requestBody?.content?.['application/json']?.schema;
      const responses = new Map<string, Map<string, ValidateFunction | null>>();
      for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
        const resolved = deref(document, response);
        const byType = new Map<string, ValidateFunction | null>();
        for (const [type, media] of Object.entries<Json>(resolved.content ?? {})) {
          byType.set(type, type.endsWith('json') && media.schema ? bodies.compile(rebase(media.schema)) : null);
        }
        responses.set(status, byType);
      }
      const { regex, names } = templateRegex(path);
      operations.push({
        operationId: op.operationId,
        method,
        path,
        public: Array.isArray(op.security) ? op.security.length === 0 : (document.security ?? []).length === 0,
        bodyTypes: Object.keys(requestBody?.content ?? {}),
        bodyRequired: requestBody?.required === true,
        validateBody: jsonBody ? bodies.compile(rebase(jsonBody)) : null,
        validateQuery: params.compile({
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(query.map((p: Json) => [p.name, rebase(p.schema ?? {})])),
          required: query.filter((p: Json) => p.required).map((p: Json) => p.name),
        }),
        queryNames: query.map((p: Json) => p.name as string),
        validatePath: params.compile({
          type: 'object',
          properties: Object.fromEntries(inPath.map((p: Json) => [p.name, rebase(p.schema ?? {})])),
        }),
        responses,
        regex,
        paramNames: names,
      });
    }
  }
  // Static segments win over parameters: /v1/definitions/validate before /v1/definitions/{id}.
  operations.sort((a, b) => a.paramNames.length - b.paramNames.length);

  return {
    document,
    operations,
    find(method, path) {
      const wanted = method.toLowerCase();
      for (const operation of operations) {
        if (operation.method !== wanted) continue;
        const match = operation.regex.exec(path);
        if (!match) continue;
        const values: Record<string, string> = {};
        operation.paramNames.forEach((name, i) => {
          values[name] = safeDecode(match[i + 1] ?? '');
        });
        return { operation, params: values };
      }
      return null;
    },
    methodsOf(path) {
      return operations.filter((o) => o.regex.test(path)).map((o) => o.method.toUpperCase());
    },
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Checks the query of a request against the operation; 400 naming the first parameter at fault. */
export function assertQuery(operation: Operation, query: Record<string, unknown>): void {
  const copy = { ...query };
  if (operation.validateQuery(copy)) return;
  const errors = (operation.validateQuery.errors ?? []).map((e) => {
    if (e.keyword === 'additionalProperties') {
      const name = String(e.params.additionalProperty);
      const known = operation.queryNames.length ? `use ${operation.queryNames.join(', ')}` : 'this route takes none';
      return { path: name, message: `is not known here; ${known}` };
    }
    if (e.keyword === 'required') return { path: String(e.params.missingProperty), message: 'is required' };
    const name = e.instancePath.split('/')[1] ?? '';
    const message = Array.isArray(query[name]) ? 'must be given once' : messageOf(e);
    return { path: name, message };
  });
  const first = errors[0]!;
  throw new AppError('request-invalid', `Query parameter "${first.path}" ${first.message}.`, { errors: [first] });
}

/** Path parameters out of their documented shape name nothing that exists: 404, like a missing object. */
export function assertPathParams(operation: Operation, params: Record<string, string>): void {
  if (!operation.validatePath({ ...params })) {
    throw new AppError('not-found', 'No such object.');
  }
}

/** Checks a parsed JSON body; 400 with `errors[]` naming each field. */
export function assertBody(operation: Operation, body: unknown): void {
  if (!operation.validateBody || operation.validateBody(body)) return;
  const errors = fieldErrors(operation.validateBody.errors);
  throw new AppError('request-invalid', `The request body is invalid: ${summarize(errors)}`, {
    errors: errors.slice(0, 50),
  });
}

/**
 * Checks a response against the document: the status must be listed for the operation, the media
 * type documented, and a JSON body must match its schema. Returns what is wrong, or null.
 */
export function responseMismatch(
  contract: Contract,
  request: { method: string; path: string },
  response: { status: number; contentType: string; body: unknown },
): string | null {
  const found = contract.find(request.method, request.path.split('?')[0]!);
  if (!found) return `${request.method} ${request.path} is not in the OpenAPI document`;
  const { operation } = found;
  const byType = operation.responses.get(String(response.status)) ?? operation.responses.get('default');
  if (!byType) return `${operation.operationId}: status ${response.status} is not documented`;
  const mediaType = response.contentType.split(';')[0]!.trim().toLowerCase();
  if (byType.size === 0) return null;
  if (byType.has('*/*') && !byType.has(mediaType)) return null;
  if (!byType.has(mediaType)) {
    return `${operation.operationId} ${response.status}: media type "${mediaType}" is not documented (${[...byType.keys()].join(', ')})`;
  }
  const validate = byType.get(mediaType);
  if (validate && !validate(response.body)) {
    return `${operation.operationId} ${response.status}: body does not match the document: ${summarize(fieldErrors(validate.errors))}`;
  }
  return null;
}

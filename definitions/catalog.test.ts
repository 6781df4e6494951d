import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSchema, SCHEMA_FILE } from './emit-schema.ts';
import { loadDefinitionFile } from './loader.ts';
import { SERVICE_CODES } from './services.ts';

const CATALOG = new URL('./catalog/', import.meta.url);
const files = readdirSync(CATALOG).filter((f) => f.endsWith('.yaml'));

describe('the service catalog', () => {
  it.each(files)('%s validates and compiles', (file) => {
    const path = new URL(file, CATALOG).pathname;
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../schema/process-definition.schema.json',
    );
    const { snapshot, sha256 } = loadDefinitionFile(path);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshot.steps[snapshot.start]).toBeDefined();
  });

  it('has a definition for every service of the catalog', () => {
    const services = new Set(files.map((f) => loadDefinitionFile(new URL(f, CATALOG).pathname).snapshot.service));
    expect([...SERVICE_CODES].filter((code) => !services.has(code))).toEqual([]);
  });

  it('keeps the minimal definition the end-to-end test relies on', () => {
    const { snapshot } = loadDefinitionFile(new URL('minimal.yaml', CATALOG).pathname);
    expect(snapshot.id).toBe('minimal');
    expect(snapshot.service).toBe('B-HOTLINE');
    const [first, second] = Object.values(snapshot.steps);
    expect(first).toMatchObject({ kind: 'activity', activity: 'notify.send', next: second?.id });
    expect(first?.kind === 'activity' && first.input).toMatchObject({
      to: 'pm',
      subject: { $concat: expect.any(Array) },
    });
    expect(second).toMatchObject({ kind: 'task', assignee: { category: 'ENG_I' }, norm: { ENG_I: 1 }, next: null });
  });
});

describe('the committed JSON Schema', () => {
  it('is what schema.ts generates (run `npx tsx definitions/emit-schema.ts` after changing the schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });
});

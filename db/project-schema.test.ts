import { describe, expect, it } from 'vitest';
import { projectSchemaName, quoteSchema } from './project-schema.ts';

describe('project schema names', () => {
  it('when a project id has dashes or capitals, then its schema name is lower case with underscores', () => {
    expect(projectSchemaName('Vodokanal-Main')).toBe('project_vodokanal_main');
  });

  it('when a project id would give an unsafe or overlong name, then it is refused', () => {
    expect(() => projectSchemaName('a"; DROP SCHEMA public; --')).toThrow(/no valid schema name/);
    expect(() => projectSchemaName('x'.repeat(40))).toThrow(/no valid schema name/);
  });

  it('when a schema name is quoted, then it is checked first and double-quoted', () => {
    expect(quoteSchema('project_lubny_main')).toBe('"project_lubny_main"');
    expect(() => quoteSchema('Project')).toThrow(/invalid schema name/);
    expect(() => quoteSchema('1abc')).toThrow(/invalid schema name/);
  });
});

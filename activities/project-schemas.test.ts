import { describe, expect, it } from 'vitest';
import type { EngagementRef } from './context.ts';
import { resolveSchema } from './project-schemas.ts';

const engagement: EngagementRef = {
  id: '00000000-0000-4000-8000-000000000001',
  customerId: 'kp-vodokanal',
  projectId: 'vodokanal-main',
  launchedBy: 'olena.pm',
  stepId: 'audit',
  iteration: '1',
  idempotencyKey: '00000000-0000-4000-8000-000000000001:audit:1',
};

describe('resolveSchema', () => {
  it('when an earlier step output is passed as database, then its schema is audited', () => {
    expect(resolveSchema({ database: { schema: 'backup_0123456789abcdef' } }, engagement)).toBe(
      'backup_0123456789abcdef',
    );
  });

  it('when a project id is given, then its project schema is used, dashes as underscores', () => {
    expect(resolveSchema({ projectId: 'Lubny-Main', database: 'db.lubny.local/citycom' }, engagement)).toBe(
      'project_lubny_main',
    );
  });

  it('when database names a connection, then the engagement project is used; a schema name is used as is', () => {
    expect(resolveSchema({ database: 'db.vodokanal.local/citycom' }, engagement)).toBe('project_vodokanal_main');
    expect(resolveSchema({ database: 'staging_0123456789abcdef' }, engagement)).toBe('staging_0123456789abcdef');
  });

  it('when a schema name is not a safe identifier, then the step fails without retry', () => {
    expect(() => resolveSchema({ schema: 'public; DROP TABLE engagements' }, engagement)).toThrow(
      expect.objectContaining({ type: 'schema-invalid', nonRetryable: true }),
    );
    expect(() => resolveSchema({}, { ...engagement, projectId: null })).toThrow(
      expect.objectContaining({ type: 'schema-invalid' }),
    );
  });
});

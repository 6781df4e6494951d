import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../definition-error.ts';
import { fileNameFor, loadExchangeSpec } from './exchange-loader.ts';

const VALID = `id: consumers-out
title: Consumers to billing
direction: out
source: { kind: consumers }
format: { kind: csv, encoding: cp1251, delimiter: ';', decimalMark: ',' }
destination: { kind: sftp, host: billing.example.org, path: /in, credentials: BILLING_SFTP }
naming: consumers_{yyyy}{MM}{dd}.csv
schedule: { every: 1d }
billing: { normPerRun: { ENG_I: 0.25 } }
`;

function problems(source: string) {
  try {
    loadExchangeSpec(source, 'spec.yaml');
  } catch (error) {
    if (error instanceof DefinitionError) return error.issues.map((i) => `${i.line}:${i.column} ${i.message}`);
    throw error;
  }
  return [];
}

describe('exchange specs', () => {
  it('when a spec is sound, then it compiles with its defaults and an interval in ms', () => {
    const spec = loadExchangeSpec(VALID, 'spec.yaml');
    expect(spec.calendar).toEqual({ everyMs: 86_400_000 });
    expect(spec.destination).toMatchObject({ port: 22, credentials: 'BILLING_SFTP' });
    expect(spec.format).toMatchObject({ encoding: 'cp1251', header: true, lineEnding: '\n' });
    expect(spec.normPerRun).toEqual({ ENG_I: 0.25 });
  });

  it('when a field is unknown or a value is wrong, then the problem names its line and column', () => {
    expect(problems(VALID.replace('encoding: cp1251', 'encoding: latin9'))).toEqual([
      expect.stringMatching(/^5:\d+ 'encoding' must be/),
    ]);
    expect(
      problems(VALID.replace('naming: consumers_{yyyy}{MM}{dd}.csv', 'naming: consumers_{yyyy}{week}.csv')),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^7:9 unknown token \{week\}/),
        expect.stringMatching(/^7:9 the name must differ per period/),
      ]),
    );
    expect(problems(VALID.replace(', credentials: BILLING_SFTP', ''))).toEqual([
      expect.stringMatching(/^6:\d+ an sftp destination needs credentials/),
    ]);
    expect(problems(VALID.replace("delimiter: ';'", "delimiter: ','"))).toEqual([
      expect.stringMatching(/^5:\d+ a decimal comma needs another delimiter/),
    ]);
    expect(problems(`${VALID}password: secret\n`)).toEqual([expect.stringMatching(/^10:1 unknown field 'password'/)]);
  });

  it('when a file is named for a period, then the tokens are the UTC fields of the scheduled time', () => {
    expect(fileNameFor('c_{yyyy}{MM}{dd}_{HH}{mm}{ss}.csv', new Date('2026-03-01T02:05:09Z'))).toBe(
      'c_20260301_020509.csv',
    );
  });
});

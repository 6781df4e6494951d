import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsVariable } from '../../activities/exchange/destinations.ts';
import { testExchange } from '../../activities/exchange/test-interface.ts';
import { transferPeriod } from '../../activities/exchange/transfer.ts';
import { loadExchangeSpec } from '../../definitions/exchange/exchange-loader.ts';
import { loadProjectData } from '../../db/project-schema.ts';
import type { Pool } from '../../db/pool.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { consumersProject } from '../helpers/consumers-project.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.ts';
import { startSftpServer, type TestSftpServer } from '../helpers/sftp-server.ts';

/**
 * Exchange transfers against real counterparts on 127.0.0.1: a directory, an SFTP server (ssh2) and
 * an HTTP receiver; cp1251 CSV byte for byte, XML against its XSD, readings coming in.
 */
const SCHEMA = 'project_exchange_transfers';
const PERIOD = new Date('2026-03-01T00:00:00Z');
const WINDOW = { period: PERIOD, previousPeriod: null };

const spec = (destination: string, format = 'kind: csv\n  delimiter: ";"\n  encoding: cp1251\n  decimalMark: ","') =>
  loadExchangeSpec(
    `id: consumers-to-billing
title: Consumers and loads to the billing system
direction: out
source:
  kind: consumers
  attributes: [address, contract]
format:
  ${format}
destination:
  ${destination}
naming: consumers_{yyyy}{MM}{dd}.csv
schedule: { every: 1d }
`,
    'spec.yaml',
  );

const XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="consumers">
    <xs:complexType><xs:sequence>
      <xs:element name="consumer" maxOccurs="unbounded">
        <xs:complexType><xs:sequence>
          <xs:element name="id" type="xs:string"/>
          <xs:element name="inventory_number" type="xs:string"/>
          <xs:element name="load" type="xs:decimal"/>
          <xs:element name="address" type="xs:string"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>`;

describe('exchange transfers', () => {
  let db: { pool: Pool };
  let dir: string;
  let sftp: TestSftpServer;
  let http: HttpReceiver;
  beforeAll(async () => {
    db = await createTestDatabase();
    await loadProjectData(db.pool, SCHEMA, consumersProject(25));
    dir = await mkdtemp(join(tmpdir(), 'potik-exchange-'));
    sftp = await startSftpServer();
    http = await startHttpReceiver({ user: 'billing', password: 'секрет' });
    process.env[credentialsVariable('TEST_SFTP')] = `${sftp.user}:${sftp.password}`;
    process.env[credentialsVariable('TEST_HTTP')] = 'billing:секрет';
  });
  afterAll(async () => {
    await sftp?.close();
    await http?.close();
    await db?.pool.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when consumers go to a directory as cp1251 CSV, then «Київ» round-trips byte for byte and the row count and checksum match', async () => {
    const result = await transferPeriod(db.pool, spec(`kind: directory\n  path: ${dir}`), SCHEMA, WINDOW);
    expect(result).toMatchObject({ fileName: 'consumers_20260301.csv', rows: 25, written: true });
    const bytes = await readFile(join(dir, 'consumers_20260301.csv'));
    expect(sha256Hex(bytes)).toBe(result.sha256);
    expect(bytes.includes(iconv.encode('Київ', 'cp1251'))).toBe(true);
    expect(bytes.includes(Buffer.from('Київ', 'utf8'))).toBe(false);
    const text = iconv.decode(bytes, 'cp1251');
    expect(text.split('\n')[0]).toBe('id;inventory_number;load;address;contract');
    expect(text).toContain('C000001;INV-1;0,13;Київ, вул. Хрещатик, 1;D-1');
    expect(iconv.encode(text, 'cp1251').equals(bytes)).toBe(true);
    expect((await readdir(dir)).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('when the same period is transferred again, then the file is left as it was', async () => {
    const again = await transferPeriod(db.pool, spec(`kind: directory\n  path: ${dir}`), SCHEMA, WINDOW);
    expect(again.written).toBe(false);
  });

  it('when the destination is an SFTP server, then the file arrives under its name with its checksum, written once', async () => {
    const destination = `kind: sftp\n  host: 127.0.0.1\n  port: ${sftp.port}\n  path: /out\n  credentials: TEST_SFTP`;
    await import('node:fs/promises').then((fs) => fs.mkdir(join(sftp.root, 'out')));
    const first = await transferPeriod(db.pool, spec(destination), SCHEMA, WINDOW);
    const bytes = await readFile(join(sftp.root, 'out', 'consumers_20260301.csv'));
    expect(sha256Hex(bytes)).toBe(first.sha256);
    expect(first).toMatchObject({ rows: 25, written: true });
    expect((await transferPeriod(db.pool, spec(destination), SCHEMA, WINDOW)).written).toBe(false);
    const report = await testExchange(db.pool, spec(destination), SCHEMA, PERIOD);
    expect(report.checks.map((c) => `${c.name}:${c.ok}`)).toEqual([
      'login:true',
      'write:true',
      'rename:true',
      'read:true',
      'remove:true',
      'sample:true',
      'format:true',
      'transfer:true',
    ]);
    expect(report.ok).toBe(true);
  });

  it('when the SFTP password is wrong, then the test exchange fails at login and says so', async () => {
    process.env[credentialsVariable('WRONG_SFTP')] = `${sftp.user}:not-it`;
    const destination = `kind: sftp\n  host: 127.0.0.1\n  port: ${sftp.port}\n  path: /out\n  credentials: WRONG_SFTP`;
    const report = await testExchange(db.pool, spec(destination), SCHEMA, PERIOD);
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'login', ok: false });
  });

  it('when the destination is an HTTP endpoint, then JSON goes by PUT and MOVE with Basic auth, and a refusal fails', async () => {
    const destination = `kind: http\n  url: ${http.url}\n  credentials: TEST_HTTP`;
    const result = await transferPeriod(db.pool, spec(destination, 'kind: json'), SCHEMA, WINDOW);
    const file = http.files.get('consumers_20260301.csv')!;
    expect(sha256Hex(file)).toBe(result.sha256);
    expect((JSON.parse(file.toString('utf8')) as unknown[]).length).toBe(25);
    expect(http.puts.get('.consumers_20260301.csv.part')).toBe(1);
    http.refuse = true;
    try {
      await expect(
        transferPeriod(db.pool, spec(destination, 'kind: json'), SCHEMA, {
          ...WINDOW,
          period: new Date('2026-03-02T00:00:00Z'),
        }),
      ).rejects.toThrow(/answered 503/);
    } finally {
      http.refuse = false;
    }
  });

  it('when the format is XML with the counterpart XSD, then a valid file passes and one the XSD refuses is not sent', async () => {
    const xml = (xsd: string) => `kind: xml\n  root: consumers\n  record: consumer\n  xsd: ${JSON.stringify(xsd)}`;
    const out = await mkdtemp(join(tmpdir(), 'potik-xml-'));
    try {
      const sourceWithAddress = (s: ReturnType<typeof spec>) => ({
        ...s,
        source: { ...s.source, attributes: ['address'] },
      });
      const ok = await transferPeriod(
        db.pool,
        sourceWithAddress(spec(`kind: directory\n  path: ${out}`, xml(XSD))),
        SCHEMA,
        WINDOW,
      );
      expect(ok.rows).toBe(25);
      const text = await readFile(join(out, ok.fileName), 'utf8');
      expect(text).toContain('<consumer><id>C000001</id>');
      const strict = XSD.replace(
        'name="address" type="xs:string"/>',
        'name="address" type="xs:string"/><xs:element name="meter" type="xs:string"/>',
      );
      await expect(
        transferPeriod(db.pool, sourceWithAddress(spec(`kind: directory\n  path: ${out}`, xml(strict))), SCHEMA, {
          ...WINDOW,
          period: new Date('2026-03-05T00:00:00Z'),
        }),
      ).rejects.toThrow(/fails its format: .*meter/);
      expect(await readdir(out)).toEqual([ok.fileName]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('when readings come in as CSV with a decimal comma, then they are stored in the project, once however often received', async () => {
    const inbox = await mkdtemp(join(tmpdir(), 'potik-in-'));
    try {
      const incoming = loadExchangeSpec(
        `id: scada-pressure
title: Pressures from SCADA
direction: in
source: { kind: readings, quantity: pressure }
format: { kind: csv, delimiter: ';', decimalMark: ',' }
destination: { kind: directory, path: ${JSON.stringify(inbox)} }
naming: pressure_{yyyy}{MM}{dd}{HH}.csv
schedule: { every: 1h }
`,
        'in.yaml',
      );
      await import('node:fs/promises').then((fs) =>
        fs.writeFile(
          join(inbox, 'pressure_2026030100.csv'),
          'node_id;read_at;value\nC000001;2026-02-28T23:00:00Z;3,25\nC000002;2026-02-28T23:00:00Z;2,5\n',
        ),
      );
      for (let i = 0; i < 2; i++) expect((await transferPeriod(db.pool, incoming, SCHEMA, WINDOW)).rows).toBe(2);
      const { rows } = await db.pool.query(`SELECT node_id, value FROM ${SCHEMA}.readings ORDER BY node_id`);
      expect(rows).toEqual([
        { node_id: 'C000001', value: 3.25 },
        { node_id: 'C000002', value: 2.5 },
      ]);
    } finally {
      await rm(inbox, { recursive: true, force: true });
    }
  });
});

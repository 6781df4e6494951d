import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const base = { USER: 'potik' };

describe('loadConfig', () => {
  it('when nothing is set, then the documented defaults hold', () => {
    const config = loadConfig(base);
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('postgres://potik@127.0.0.1:5432/potik');
    expect(config.uploadMaxBytes).toBe(100 * 1024 * 1024);
    expect(config.rateLimits).toEqual({
      perKeyPerMinute: 600,
      authFailuresPerIpPerMinute: 20,
      publicRequestsPer10Minutes: 20,
    });
    expect(config.trustProxy).toEqual([]);
    expect(config.metricsToken).toBeUndefined();
    expect(loadConfig({ ...base, METRICS_TOKEN: ' scrape-me ' }).metricsToken).toBe('scrape-me');
  });

  it('when a second stack runs on other ports without DATABASE_URL, then it gets a database of its own', () => {
    // Sharing the default database, the second `npm start` re-seeded the demo data and revoked the
    // first stack's demo keys.
    const second = loadConfig({ ...base, PORT: '3001', TEMPORAL_PORT: '7234', TEMPORAL_UI_PORT: '8234' });
    expect(second.databaseUrl).toBe('postgres://potik@127.0.0.1:5432/potik_3001');
    expect(second.databaseUrlExplicit).toBe(false);
    expect(second.dataDir).toBe('.potik-3001');
    const first = loadConfig({ ...base, PORT: '3000' });
    expect([first.databaseUrl, first.dataDir]).toEqual(['postgres://potik@127.0.0.1:5432/potik', '.potik']);
    // What is given is used as it is, whatever the port.
    const given = loadConfig({
      ...base,
      PORT: '3001',
      DATABASE_URL: 'postgres://app@db:5432/potik',
      POTIK_DATA_DIR: 'x',
    });
    expect([given.databaseUrl, given.dataDir]).toEqual(['postgres://app@db:5432/potik', 'x']);
  });

  it('when proxies are named, then addresses, ranges and the known names are kept as given', () => {
    const config = loadConfig({ ...base, TRUST_PROXY: '10.0.0.5, 172.16.0.0/12,loopback, ::1, fd00::/8' });
    expect(config.trustProxy).toEqual(['10.0.0.5', '172.16.0.0/12', 'loopback', '::1', 'fd00::/8']);
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toEqual([]);
  });

  it('when limits are set, then they are read in their units', () => {
    const config = loadConfig({
      ...base,
      UPLOAD_MAX_MB: '2.5',
      RATE_LIMIT_PER_KEY: '1200',
      RATE_LIMIT_AUTH_FAILURES: '5',
      RATE_LIMIT_PUBLIC_REQUESTS: '3',
    });
    expect(config.uploadMaxBytes).toBe(2.5 * 1024 * 1024);
    expect(config.rateLimits).toEqual({
      perKeyPerMinute: 1200,
      authFailuresPerIpPerMinute: 5,
      publicRequestsPer10Minutes: 3,
    });
  });

  it.each([
    ['UPLOAD_MAX_MB', '0', 'UPLOAD_MAX_MB must be a positive number, got "0"'],
    ['UPLOAD_MAX_MB', 'lots', 'UPLOAD_MAX_MB must be a positive number, got "lots"'],
    ['RATE_LIMIT_PER_KEY', '10.5', 'RATE_LIMIT_PER_KEY must be a whole number, got "10.5"'],
    ['PORT', '70000', 'PORT must be a port number from 0 to 65535, got "70000"'],
    ['VENDOR_VAT_PAYER', 'maybe', 'VENDOR_VAT_PAYER must be true or false, got "maybe"'],
    ['TRUST_PROXY', 'proxy.local', '"proxy.local" is none of them'],
    ['TRUST_PROXY', '10.0.0.0/33', '"10.0.0.0/33" is none of them'],
    ['TRUST_PROXY', 'true', '"true" is none of them'],
  ])('when %s is %j, then the error names the key and the value', (key, value, message) => {
    expect(() => loadConfig({ ...base, [key]: value })).toThrow(message);
  });

  it('when release links are configured or not, then the secret falls back to SESSION_SECRET and the links to the API address', () => {
    const session = 's'.repeat(32);
    expect(loadConfig(base).releaseLinks).toEqual({
      secret: undefined,
      ttlHours: 168,
      publicUrl: 'http://127.0.0.1:3000',
    });
    expect(loadConfig({ ...base, SESSION_SECRET: session }).releaseLinks.secret).toBe(session);
    const set = loadConfig({
      ...base,
      SESSION_SECRET: session,
      RELEASE_LINK_SECRET: 'r'.repeat(32),
      RELEASE_LINK_TTL_HOURS: '2',
      PUBLIC_URL: 'https://potik.example.org/',
    });
    expect(set.releaseLinks).toEqual({ secret: 'r'.repeat(32), ttlHours: 2, publicUrl: 'https://potik.example.org' });
    expect(() => loadConfig({ ...base, RELEASE_LINK_SECRET: 'short' })).toThrow(
      'RELEASE_LINK_SECRET must be at least 32',
    );
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'ftp://x' })).toThrow('PUBLIC_URL');
  });
});

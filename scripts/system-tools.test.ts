import { describe, expect, it } from 'vitest';
import { ensureSystemTools, type PackageManager, type SetupDeps } from './system-tools.ts';

/** A machine with these binaries, whose package manager brings what its packages hold. */
function machine(options: { binaries: string[]; root: boolean; packageContents?: Record<string, string[]> }) {
  const binaries = new Set(options.binaries);
  const installs: string[][] = [];
  const log: string[] = [];
  const packages: PackageManager = {
    canInstall: () => options.root,
    install(names) {
      installs.push([...names]);
      for (const name of names) for (const binary of options.packageContents?.[name] ?? []) binaries.add(binary);
    },
    installCommand: (names) => `sudo apt-get install -y ${names.join(' ')}`,
  };
  const deps: SetupDeps = { found: (b) => binaries.has(b), packages, log: (line) => log.push(line), env: {} };
  return { deps, installs, log };
}

const DEBIAN = {
  'gdal-bin': ['ogr2ogr', 'ogrinfo'],
  'postgresql-client': ['pg_dump', 'pg_restore'],
  'proj-bin': ['cs2cs', 'projinfo'],
  chromium: ['chromium'],
  'poppler-utils': ['pdftotext', 'pdffonts', 'pdftoppm'],
  'libxml2-utils': ['xmllint'],
};
const PROJ = ['cs2cs', 'projinfo'];
const POPPLER = ['pdftotext', 'pdffonts', 'pdftoppm'];
const ALL = ['ogr2ogr', 'ogrinfo', 'pg_dump', 'pg_restore', ...PROJ, 'chromium', ...POPPLER, 'xmllint'];

describe('set-up of the system tools', () => {
  it('when every tool is there, then nothing is installed', () => {
    const { deps, installs } = machine({ binaries: ALL, root: true });
    expect(ensureSystemTools('test', deps)).toEqual([]);
    expect(installs).toEqual([]);
  });

  it('when GDAL and the PostgreSQL client are missing and the user is root, then their packages are installed once each', () => {
    const { deps, installs, log } = machine({
      binaries: ['chromium', ...PROJ, ...POPPLER, 'xmllint'],
      root: true,
      packageContents: DEBIAN,
    });
    expect(ensureSystemTools('test', deps)).toEqual(['gdal-bin', 'postgresql-client']);
    expect(installs).toEqual([['gdal-bin', 'postgresql-client']]);
    expect(log[0]).toContain('ogr2ogr, ogrinfo for data imports (GDAL)');
  });

  it('when the user may not install, then one message names every missing tool and the one command to run', () => {
    const { deps, installs } = machine({ binaries: ['ogrinfo', ...PROJ, ...POPPLER, 'xmllint'], root: false });
    expect(() => ensureSystemTools('test', deps)).toThrow(
      'Potik needs ogr2ogr for data imports (GDAL); pg_dump, pg_restore for audit backups (PostgreSQL client tools); ' +
        'chromium for the browser suite, which are not installed. Install them with:\n' +
        '  sudo apt-get install -y gdal-bin postgresql-client chromium\n' +
        'then run npm test again.',
    );
    expect(installs).toEqual([]);
  });

  it('when npm start sets up, then the browser is not asked for', () => {
    const { deps, installs } = machine({
      binaries: ['ogr2ogr', 'ogrinfo', 'pg_dump', 'pg_restore', 'xmllint'],
      root: true,
    });
    expect(ensureSystemTools('start', deps)).toEqual([]);
    expect(installs).toEqual([]);
  });

  it('when an environment variable names another binary, then that binary is the one looked for', () => {
    const { deps, installs } = machine({
      binaries: [...ALL.filter((b) => b !== 'ogr2ogr'), '/opt/gdal/ogr2ogr'],
      root: true,
    });
    deps.env = { OGR2OGR: '/opt/gdal/ogr2ogr' };
    expect(ensureSystemTools('test', deps)).toEqual([]);
    expect(installs).toEqual([]);
  });

  it('when the package is installed but the tool still does not run, then set-up fails saying which', () => {
    const { deps } = machine({
      binaries: ['ogr2ogr', 'ogrinfo', 'pg_dump', 'pg_restore', ...PROJ, ...POPPLER, 'xmllint'],
      root: true,
      packageContents: {},
    });
    expect(() => ensureSystemTools('test', deps)).toThrow('After installing chromium, chromium still does not run.');
  });
});

/**
 * The programs Potik runs besides Node — GDAL for imports, the PostgreSQL client tools for audit
 * backups, Chromium for the browser suite — and the one decision `npm start`, `npm test` and CI take
 * about them: present, installed from the system's packages when this user may (root with
 * apt-get), or else one message naming the command to run. The Temporal CLI is made available by
 * scripts/temporal-cli.ts (built with Go, not a system package).
 *
 * Run directly (`npx tsx scripts/system-tools.ts test|start`) it does the set-up of that command.
 */
import { spawnSync } from 'node:child_process';

export type Purpose = 'start' | 'test';

export interface SystemTool {
  /** What is run; an environment variable may name another binary. */
  command: string;
  env?: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** What Potik needs it for, in a user's words. */
  purpose: string;
  neededBy: readonly Purpose[];
}

export const SYSTEM_TOOLS: readonly SystemTool[] = [
  {
    command: 'ogr2ogr',
    env: 'OGR2OGR',
    debianPackage: 'gdal-bin',
    purpose: 'data imports (GDAL)',
    neededBy: ['start', 'test'],
  },
  {
    command: 'ogrinfo',
    env: 'OGRINFO',
    debianPackage: 'gdal-bin',
    purpose: 'data imports (GDAL)',
    neededBy: ['start', 'test'],
  },
  {
    command: 'pg_dump',
    env: 'PG_DUMP',
    debianPackage: 'postgresql-client',
    purpose: 'audit backups (PostgreSQL client tools)',
    neededBy: ['start', 'test'],
  },
  {
    command: 'pg_restore',
    debianPackage: 'postgresql-client',
    purpose: 'audit backups (PostgreSQL client tools)',
    neededBy: ['start', 'test'],
  },
  {
    command: 'cs2cs',
    debianPackage: 'proj-bin',
    purpose: 'the reference the CRS registry is tested against (PROJ)',
    neededBy: ['test'],
  },
  {
    command: 'projinfo',
    debianPackage: 'proj-bin',
    purpose: 'the reference the CRS registry is tested against (PROJ)',
    neededBy: ['test'],
  },
  { command: 'chromium', env: 'CHROMIUM', debianPackage: 'chromium', purpose: 'the browser suite', neededBy: ['test'] },
  ...['pdftotext', 'pdffonts', 'pdftoppm'].map((command) => ({
    command,
    debianPackage: 'poppler-utils',
    purpose: 'reading the act PDF back in its tests (text, embedded fonts, rendering)',
    neededBy: ['test' as const],
  })),
  {
    command: 'xmllint',
    env: 'XMLLINT',
    debianPackage: 'libxml2-utils',
    purpose: 'validating exchange files against the XSD a counterpart gives (docs/exchange.md)',
    neededBy: ['start', 'test'],
  },
];

/** The system's package manager, as far as set-up needs it; injected so the decision can be tested. */
export interface PackageManager {
  /** True when this user may install packages without asking anyone (root with apt-get). */
  canInstall(): boolean;
  install(packages: readonly string[]): void;
  /** The command a user runs to install the packages themselves. */
  installCommand(packages: readonly string[]): string;
}

export interface SetupDeps {
  /** True when the binary runs. */
  found(binary: string): boolean;
  packages: PackageManager;
  log(line: string): void;
  env: Record<string, string | undefined>;
}

const binaryOf = (tool: SystemTool, env: SetupDeps['env']): string => (tool.env && env[tool.env]) || tool.command;

/** Missing tools of a purpose, and the packages that bring them, each package once. */
export function missingTools(
  purpose: Purpose,
  deps: Pick<SetupDeps, 'found' | 'env'>,
): {
  tools: SystemTool[];
  packages: string[];
} {
  const tools = SYSTEM_TOOLS.filter((tool) => tool.neededBy.includes(purpose) && !deps.found(binaryOf(tool, deps.env)));
  return { tools, packages: [...new Set(tools.map((tool) => tool.debianPackage))] };
}

function describe(tools: readonly SystemTool[]): string {
  const byPurpose = new Map<string, string[]>();
  for (const tool of tools) byPurpose.set(tool.purpose, [...(byPurpose.get(tool.purpose) ?? []), tool.command]);
  return [...byPurpose].map(([purpose, commands]) => `${commands.join(', ')} for ${purpose}`).join('; ');
}

/**
 * Makes the tools of `purpose` available: nothing when they are there, an install when this user
 * may, else an error with the one command to run. Returns what it installed.
 */
export function ensureSystemTools(purpose: Purpose, deps: SetupDeps): string[] {
  const { tools, packages } = missingTools(purpose, deps);
  if (tools.length === 0) return [];
  if (!deps.packages.canInstall()) {
    throw new Error(
      `Potik needs ${describe(tools)}, which are not installed. Install them with:\n` +
        `  ${deps.packages.installCommand(packages)}\n` +
        `then run npm ${purpose} again.`,
    );
  }
  deps.log(`Installing ${packages.join(', ')} from the system's packages (${describe(tools)})...`);
  deps.packages.install(packages);
  const still = missingTools(purpose, deps).tools;
  if (still.length > 0) {
    throw new Error(
      `After installing ${packages.join(', ')}, ${still.map((t) => binaryOf(t, deps.env)).join(', ')} still does not run.`,
    );
  }
  return packages;
}

/** Runs `<binary> --version`; false when there is no such program. */
export function runs(binary: string): boolean {
  return !spawnSync(binary, ['--version'], { stdio: 'ignore' }).error;
}

/** Debian's apt-get: installs when the user is root, else names the command with sudo. */
export const aptGet: PackageManager = {
  canInstall: () => process.getuid?.() === 0 && runs('apt-get'),
  install(packages) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const step = (args: string[]): void => {
      const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
      if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? 'none'}).`);
    };
    step(['update', '-qq']);
    step(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  },
  installCommand: (packages) =>
    runs('apt-get')
      ? `sudo apt-get install -y ${packages.join(' ')}`
      : `your system's package manager: ${packages.join(', ')} (Debian package names)`,
};

/** The set-up of `npm start` / `npm test` on this machine. */
export function ensureSystemToolsHere(purpose: Purpose, log: (line: string) => void = console.error): string[] {
  return ensureSystemTools(purpose, { found: runs, packages: aptGet, log, env: process.env });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const purpose = process.argv[2];
  if (purpose !== 'start' && purpose !== 'test') {
    console.error('usage: tsx scripts/system-tools.ts start|test');
    process.exit(2);
  }
  try {
    const installed = ensureSystemToolsHere(purpose);
    console.log(
      installed.length > 0 ? `Installed ${installed.join(', ')}.` : `The tools npm ${purpose} needs are installed.`,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

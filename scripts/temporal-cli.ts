/**
 * Makes the Temporal CLI (which contains the dev server and the Web UI) available on this machine.
 *
 * Resolution order: TEMPORAL_CLI_PATH, `temporal` on PATH, `$(go env GOPATH)/bin/temporal`; when
 * none exists it is built once from the Go module proxy (no prebuilt download reaches our
 * machines). Later CLI versions carry a `replace` directive and refuse `go install`, hence the pin.
 *
 * Run directly (`npx tsx scripts/temporal-cli.ts`) it prints the path of a usable CLI.
 */
import { execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = '1.5.1';
/** The dev server bundled with CLI 1.5.1; older servers lack features the engagement workflow uses. */
const MIN_SERVER = [1, 29] as const;

export interface TemporalCli {
  path: string;
  /** The CLI module version when it can be read (`go version -m`), else what `--version` printed. */
  version: string;
  server: string;
}

type Log = (line: string) => void;

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function goEnv(key: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('go', ['env', key]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

/** Reads the CLI's version: `--version` says `0.0.0-DEV` for `go install` builds, so ask Go too. */
export async function inspectTemporalCli(path: string): Promise<TemporalCli> {
  const { stdout } = await run(path, ['--version']);
  const match = /temporal version (\S+) \(Server (\S+), UI (\S+)\)/.exec(stdout);
  if (!match) throw new Error(`${path} --version printed "${stdout.trim()}", which is not a Temporal CLI`);
  let version = match[1]!;
  const server = match[2]!;
  try {
    const { stdout: buildInfo } = await run('go', ['version', '-m', path]);
    const mod = /^\s*mod\s+github\.com\/temporalio\/cli\s+v(\S+)/m.exec(buildInfo);
    if (mod) version = mod[1]!;
  } catch {
    // No Go on this machine: the server version below is what matters.
  }
  const [major = 0, minor = 0] = server.split('.').map(Number);
  if (major < MIN_SERVER[0] || (major === MIN_SERVER[0] && minor < MIN_SERVER[1])) {
    throw new Error(
      `${path} bundles Temporal Server ${server}; Potik needs ${MIN_SERVER.join('.')} or later ` +
        `(Temporal CLI ${TEMPORAL_CLI_VERSION}). Unset TEMPORAL_CLI_PATH or point it at a newer CLI.`,
    );
  }
  return { path, version, server };
}

async function buildTemporalCli(log: Log): Promise<string> {
  const gopath = await goEnv('GOPATH');
  if (!gopath) {
    throw new Error(
      'The Temporal CLI is not installed and Go is not available to build it.\n' +
        '  Install Go 1.22 or later (https://go.dev/doc/install, or `apt-get install golang`), then run npm start again;\n' +
        '  or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH to the binary.',
    );
  }
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy (once per machine; ` +
      `takes a few minutes and about 2 GB of Go cache)...`,
  );
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', '-x', `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // `go install -x` prints every command; show one progress line per downloaded or compiled package.
    let packages = 0;
    let lastReport = 0;
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      packages += chunk.match(/^(# get |WORK=|mkdir -p \$WORK\/b\d+)/gm)?.length ?? 0;
      const now = Date.now();
      if (now - lastReport > 10_000) {
        lastReport = now;
        log(`  ... ${Math.round((now - started) / 1000)}s, ${packages} steps done`);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`go install of the Temporal CLI failed (exit ${code}):\n${tail}`));
    });
  });
  log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s.`);
  return join(gopath, 'bin', 'temporal');
}

/** Finds a usable Temporal CLI, building it if none is installed. */
export async function ensureTemporalCli(
  options: { log?: Log; env?: Record<string, string | undefined> } = {},
): Promise<TemporalCli> {
  const log = options.log ?? ((line) => console.error(line));
  const env = options.env ?? process.env;
  const configured = env.TEMPORAL_CLI_PATH?.trim();
  if (configured) {
    if (!(await isExecutable(configured))) {
      throw new Error(`TEMPORAL_CLI_PATH is set to ${configured}, but no executable is there.`);
    }
    return inspectTemporalCli(configured);
  }
  const onPath = await findOnPath('temporal');
  if (onPath) return inspectTemporalCli(onPath);
  const gopath = await goEnv('GOPATH');
  if (gopath && (await isExecutable(join(gopath, 'bin', 'temporal')))) {
    return inspectTemporalCli(join(gopath, 'bin', 'temporal'));
  }
  return inspectTemporalCli(await buildTemporalCli(log));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureTemporalCli().then(
    (cli) => console.log(cli.path),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

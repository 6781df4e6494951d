/**
 * Configuration, read from the environment once and validated at start.
 * Every key has a default so that `npm start` works on a fresh machine; README lists them all.
 */
import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import { AppError } from './errors.ts';
import { DEFAULT_SESSION_TTL_HOURS } from './sessions.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** API port; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** True when DATABASE_URL was given explicitly (then the stack never falls back to the embedded server). */
  readonly databaseUrlExplicit: boolean;
  /** Address of a Temporal frontend; unset means the default stack starts its own dev server. */
  readonly temporalAddress: string | undefined;
  readonly temporalNamespace: string;
  readonly temporalTaskQueue: string;
  readonly temporalCliPath: string | undefined;
  readonly temporalPort: number;
  readonly temporalUiPort: number;
  /** Base URL of the Temporal Web UI, used for links from engagement views. */
  readonly temporalUiUrl: string;
  readonly logLevel: LogLevel;
  /** Whether the vendor charges VAT on its services (VENDOR_VAT_PAYER, default true). */
  readonly vendorVatPayer: boolean;
  /** Where the default stack keeps its data (dev server database, embedded PostgreSQL). */
  readonly dataDir: string;
  /** Largest file one upload may carry, bytes (UPLOAD_MAX_MB, default 100). */
  readonly uploadMaxBytes: number;
  /**
   * Console sessions: the cookie's HMAC secret (SESSION_SECRET, at least 32 characters; unset, a
   * random one per API process, so sessions end when it restarts) and their length in seconds
   * (SESSION_TTL_HOURS, default 12).
   */
  readonly sessionSecret: string | undefined;
  readonly sessionTtlSeconds: number;
  /**
   * Reverse proxies whose `X-Forwarded-For`/`-Proto` the API believes (TRUST_PROXY: addresses,
   * CIDR ranges or `loopback`, `linklocal`, `uniquelocal`, comma-separated). Empty, the default:
   * none, so the client address of rate limits is the connection's and cannot be chosen by a client.
   */
  readonly trustProxy: readonly string[];
  /**
   * Release download links: the HMAC secret (RELEASE_LINK_SECRET, at least 32 characters; unset,
   * SESSION_SECRET; both unset, a key kept in the database), how long a link works
   * (RELEASE_LINK_TTL_HOURS, default 168) and the address links start with (PUBLIC_URL, default
   * the API's own `http://HOST:PORT`).
   */
  readonly releaseLinks: { secret: string | undefined; ttlHours: number; publicUrl: string };
  /** When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is public. */
  readonly metricsToken: string | undefined;
  /** API rate limits (RATE_LIMIT_PER_KEY, RATE_LIMIT_AUTH_FAILURES, RATE_LIMIT_PUBLIC_REQUESTS). */
  readonly rateLimits: {
    perKeyPerMinute: number;
    authFailuresPerIpPerMinute: number;
    publicRequestsPer10Minutes: number;
  };
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

function port(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new AppError('config-invalid', `${key} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return value;
}

function positive(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new AppError('config-invalid', `${key} must be a positive number, got "${env[key]}"`);
  }
  return value;
}

function count(env: Env, key: string, fallback: number): number {
  const value = positive(env, key, fallback);
  if (!Number.isInteger(value))
    throw new AppError('config-invalid', `${key} must be a whole number, got "${env[key]}"`);
  return value;
}

function text(env: Env, key: string, fallback: string): string {
  const raw = env[key]?.trim();
  return raw ? raw : fallback;
}

function flag(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new AppError('config-invalid', `${key} must be true or false, got "${env[key]}"`);
}

function url(env: Env, key: string, fallback: string, protocols: readonly string[]): string {
  const value = text(env, key, fallback);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new AppError('config-invalid', `${key} must be a URL like ${fallback}, got "${value}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new AppError('config-invalid', `${key} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return value;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: a comma-separated list of addresses, CIDR ranges and the names Express knows. */
function proxies(env: Env, key: string): string[] {
  const raw = env[key]?.trim();
  if (!raw || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return [];
  return raw.split(',').map((entry) => {
    const value = entry.trim();
    const [address = '', prefix, ...rest] = value.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (PROXY_NAMES.includes(value) || (family !== 0 && validPrefix && rest.length === 0)) return value;
    throw new AppError(
      'config-invalid',
      `${key} must list proxy addresses, CIDR ranges or ${PROXY_NAMES.join(', ')}, comma-separated; "${value}" is none of them`,
    );
  });
}

/**
 * libpq falls back to the OS user when a URL names none; node-postgres reads $USER, which service
 * managers and CI often leave unset. Fill the user in the same way libpq would.
 */
export function withDefaultUser(databaseUrl: string, env: Env = process.env): string {
  const url = new URL(databaseUrl);
  if (url.username) return databaseUrl;
  url.username = env.PGUSER || env.USER || userInfo().username;
  return url.toString();
}

const DEFAULT_API_PORT = 3000;

/**
 * What a stack keeps when DATABASE_URL and POTIK_DATA_DIR are unset: the database `potik` and the
 * folder `.potik` for the default API port, `potik_<PORT>` and `.potik-<PORT>` for any other. A
 * second stack started beside the first on other ports then has its own demo data, keys and
 * Temporal state instead of re-seeding the first one's (two running stacks never share an API port).
 */
export function stackDefaults(apiPort: number): { databaseUrl: string; dataDir: string } {
  const first = apiPort === DEFAULT_API_PORT;
  return {
    databaseUrl: `postgres://127.0.0.1:5432/${first ? 'potik' : `potik_${apiPort}`}`,
    dataDir: first ? '.potik' : `.potik-${apiPort}`,
  };
}

/** Reads and validates the configuration; throws AppError('config-invalid') naming the bad key. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = text(env, 'LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new AppError('config-invalid', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const temporalAddress = env.TEMPORAL_ADDRESS?.trim() || undefined;
  const temporalPort = port(env, 'TEMPORAL_PORT', 7233);
  const temporalUiPort = port(env, 'TEMPORAL_UI_PORT', 8233);
  const sessionSecret = env.SESSION_SECRET?.trim() || undefined;
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    throw new AppError('config-invalid', 'SESSION_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  const apiPort = port(env, 'PORT', DEFAULT_API_PORT);
  const defaults = stackDefaults(apiPort);
  const releaseLinkSecret = env.RELEASE_LINK_SECRET?.trim() || undefined;
  if (releaseLinkSecret !== undefined && releaseLinkSecret.length < 32) {
    throw new AppError(
      'config-invalid',
      'RELEASE_LINK_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)',
    );
  }
  const host = text(env, 'HOST', '127.0.0.1');
  return Object.freeze({
    port: apiPort,
    host,
    databaseUrl: withDefaultUser(url(env, 'DATABASE_URL', defaults.databaseUrl, ['postgres:', 'postgresql:']), env),
    databaseUrlExplicit: Boolean(env.DATABASE_URL?.trim()),
    temporalAddress,
    temporalNamespace: text(env, 'TEMPORAL_NAMESPACE', 'default'),
    temporalTaskQueue: text(env, 'TEMPORAL_TASK_QUEUE', 'potik-engagements'),
    temporalCliPath: env.TEMPORAL_CLI_PATH?.trim() || undefined,
    temporalPort,
    temporalUiPort,
    temporalUiUrl: url(env, 'TEMPORAL_UI_URL', `http://127.0.0.1:${temporalUiPort}`, ['http:', 'https:']),
    logLevel,
    vendorVatPayer: flag(env, 'VENDOR_VAT_PAYER', true),
    dataDir: text(env, 'POTIK_DATA_DIR', defaults.dataDir),
    uploadMaxBytes: Math.round(positive(env, 'UPLOAD_MAX_MB', 100) * 1024 * 1024),
    sessionSecret,
    sessionTtlSeconds: Math.round(positive(env, 'SESSION_TTL_HOURS', DEFAULT_SESSION_TTL_HOURS) * 3600),
    trustProxy: Object.freeze(proxies(env, 'TRUST_PROXY')),
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    releaseLinks: Object.freeze({
      secret: releaseLinkSecret ?? sessionSecret,
      ttlHours: positive(env, 'RELEASE_LINK_TTL_HOURS', 168),
      publicUrl: url(env, 'PUBLIC_URL', `http://${host}:${apiPort}`, ['http:', 'https:']).replace(/\/+$/, ''),
    }),
    rateLimits: {
      perKeyPerMinute: count(env, 'RATE_LIMIT_PER_KEY', 600),
      authFailuresPerIpPerMinute: count(env, 'RATE_LIMIT_AUTH_FAILURES', 20),
      publicRequestsPer10Minutes: count(env, 'RATE_LIMIT_PUBLIC_REQUESTS', 20),
    },
  });
}

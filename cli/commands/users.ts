/**
 * `potik users` and `potik keys`: what an admin does over `/v1/users` and `/v1/keys`, straight on
 * DATABASE_URL, through the same queries and views as the API. Secrets are printed once, to stdout
 * alone, so `KEY=$(potik keys create --user …)` captures nothing else.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { withTransaction } from '../../db/pool.ts';
import {
  deactivateUser,
  insertUser,
  revokeApiKey,
  selectUser,
  selectUsers,
  type Role,
} from '../../db/queries/users.ts';
import { CATEGORIES, type Category } from '../../definitions/model.ts';
import { apiKeyView, mintKey, userView } from '../../api/accounts.ts';
import { upsertPassword } from '../../db/queries/passwords.ts';
import { hashPassword, passwordProblem } from '../../lib/passwords.ts';
import { readPassword } from '../password-input.ts';
import { withDatabase } from '../database.ts';
import { formatTable } from '../table.ts';

const ROLES: readonly Role[] = ['admin', 'pm', 'engineer', 'finance'];
/** The CLI runs with the database's own rights: it manages every key, as an admin does. */
const ADMIN = { id: 'potik-cli', role: 'admin' };

function oneOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`${what} must be one of ${allowed.join(', ')}.`);
    return value as T;
  };
}

/** A key's expiry: an ISO date or date-time in the future. */
function futureTime(value: string): string {
  const time = new Date(value).getTime();
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new InvalidArgumentError('must be an ISO date or date-time, e.g. 2027-01-31.');
  }
  if (time <= Date.now()) throw new InvalidArgumentError('must be in the future.');
  return value;
}

const when = (value: Date | string | null): string =>
  value === null ? '—' : new Date(value).toISOString().slice(0, 16).replace('T', ' ');

type KeyView = ReturnType<typeof apiKeyView>;

function keyState(k: KeyView): string {
  if (k.revokedAt !== null) return `revoked ${when(k.revokedAt)}`;
  if (k.expiresAt !== null && new Date(k.expiresAt).getTime() <= Date.now()) return `expired ${when(k.expiresAt)}`;
  return 'valid';
}

function printKeys(keys: KeyView[]): void {
  const rows = keys.map((k) => [
    k.id,
    k.userId,
    k.label ?? '—',
    when(k.createdAt),
    when(k.expiresAt),
    when(k.lastUsedAt),
    keyState(k),
  ]);
  console.log(
    formatTable([['Key', 'User', 'Label', 'Created (UTC)', 'Expires', 'Last used', 'State'], ...rows]).join('\n'),
  );
}

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('Manage users: list, create, revoke');
  users
    .command('list')
    .description('List users with their role, category, groups and keys')
    .option('--json', 'print the users as JSON (as GET /v1/users does)')
    .action(async (options: { json?: boolean }) => {
      const views = (await withDatabase(selectUsers)).map(userView);
      if (options.json) {
        console.log(JSON.stringify({ items: views }, null, 2));
        return;
      }
      const rows = views.map((u) => [
        u.id,
        u.name,
        u.role,
        u.category ?? '—',
        u.groups.join(',') || '—',
        u.active ? 'active' : 'revoked',
        `${u.keys.filter((k) => keyState(k) === 'valid').length}/${u.keys.length}`,
      ]);
      console.log(
        formatTable([['User', 'Name', 'Role', 'Category', 'Groups', 'State', 'Valid keys'], ...rows]).join('\n'),
      );
    });

  users
    .command('create')
    .description('Create (or update and reactivate) a user and print a new API key for them')
    .requiredOption('--id <id>', 'user id, e.g. andrii.eng1')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, oneOf(ROLES, '--role'))
    .option(
      '--category <category>',
      `engineer qualification: ${CATEGORIES.join(', ')}`,
      oneOf(CATEGORIES, '--category'),
    )
    .option('--group <group...>', 'groups the engineer belongs to')
    .option('--expires <date>', 'key expiry, ISO date in the future', futureTime)
    .action(
      async (options: {
        id: string;
        name: string;
        role: Role;
        category?: Category;
        group?: string[];
        expires?: string;
      }) => {
        if (options.role === 'engineer' && !options.category) {
          throw new InvalidArgumentError('An engineer needs --category.');
        }
        if (options.role !== 'engineer' && options.category) {
          throw new InvalidArgumentError('--category is for engineers only.');
        }
        const key = await withDatabase((pool) =>
          withTransaction(pool, async (client) => {
            await insertUser(client, {
              id: options.id,
              name: options.name,
              role: options.role,
              category: options.category ?? null,
              groups: options.group ?? [],
            });
            return mintKey(client, options.id, { label: 'cli', expiresAt: options.expires ?? null });
          }),
        );
        console.log(key.key);
        console.error(`API key ${key.id} for ${options.id} (${options.role}). It is shown once; store it now.`);
      },
    );

  users
    .command('set-password')
    .description('Set or reset the console password of a user (read from stdin, or asked for); lifts a lockout')
    .argument('<id>', 'user id')
    .action(async (id: string) => {
      const password = await readPassword(`New console password for ${id}: `);
      const problem = passwordProblem(password);
      if (problem) throw new InvalidArgumentError(`The password ${problem}.`);
      const hash = await hashPassword(password);
      const done = await withDatabase((pool) => upsertPassword(pool, id, hash));
      if (!done) throw new Error(`There is no user ${id} (potik users list shows them).`);
      console.error(`The console password of ${id} is set; they sign in at /console/ with it.`);
    });

  users
    .command('revoke')
    .description('Take a user out of service: inactive, every key of theirs revoked')
    .argument('<id>', 'user id')
    .action(async (id: string) => {
      const done = await withDatabase((pool) => withTransaction(pool, (client) => deactivateUser(client, id)));
      if (!done) throw new Error(`There is no user ${id} (potik users list shows them).`);
      console.error(`User ${id} is revoked with all their keys; potik users create --id ${id} … reactivates them.`);
    });
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage API keys: list, create, revoke');
  keys
    .command('list')
    .description('List API keys (never their secrets): owner, label, dates, state')
    .option('--user <id>', "only this user's keys")
    .option('--json', 'print the keys as JSON')
    .action(async (options: { user?: string; json?: boolean }) => {
      const rows = await withDatabase(async (pool) => {
        if (options.user === undefined) return selectUsers(pool);
        const user = await selectUser(pool, options.user);
        if (!user) throw new Error(`There is no user ${options.user} (potik users list shows them).`);
        return [user];
      });
      const views = rows.flatMap((u) => u.keys.map(apiKeyView));
      if (options.json) console.log(JSON.stringify({ items: views }, null, 2));
      else printKeys(views);
    });

  keys
    .command('create')
    .description('Mint a new API key for a user and print it (shown once)')
    .requiredOption('--user <id>', 'user id')
    .option('--label <label>', 'what the key is for, e.g. "laptop"')
    .option('--expires <date>', 'expiry, ISO date in the future', futureTime)
    .action(async (options: { user: string; label?: string; expires?: string }) => {
      const key = await withDatabase(async (pool) => {
        if (!(await selectUser(pool, options.user))) return null;
        return mintKey(pool, options.user, { label: options.label ?? null, expiresAt: options.expires ?? null });
      });
      if (!key) throw new Error(`There is no user ${options.user} (potik users list shows them).`);
      console.log(key.key);
      console.error(`API key ${key.id} for ${options.user}. It is shown once; store it now.`);
    });

  keys
    .command('revoke')
    .description('Revoke an API key by its id (the 12 hex digits after potik_)')
    .argument('<keyId>', 'key id, as potik keys list shows it')
    .action(async (keyId: string) => {
      const key = /^[0-9a-f]{12}$/.test(keyId) ? await withDatabase((pool) => revokeApiKey(pool, ADMIN, keyId)) : null;
      if (!key) throw new Error(`There is no key ${keyId} (potik keys list shows them).`);
      console.error(`Key ${key.id} of ${key.user_id} is revoked (${when(key.revoked_at)} UTC).`);
    });
}

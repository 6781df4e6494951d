import { InvalidArgumentError, type Command } from 'commander';
import { generateApiKey } from '../../lib/api-keys.ts';
import { withTransaction } from '../../db/pool.ts';
import { insertApiKey, insertUser, type Role } from '../../db/queries/users.ts';
import { CATEGORIES, type Category } from '../../definitions/model.ts';
import { withDatabase } from '../database.ts';

const ROLES: readonly Role[] = ['admin', 'pm', 'engineer', 'finance'];

function oneOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`${what} must be one of ${allowed.join(', ')}.`);
    return value as T;
  };
}

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('Manage users and their API keys');
  users
    .command('create')
    .description('Create (or update) a user and print a new API key for them')
    .requiredOption('--id <id>', 'user id, e.g. andrii.eng1')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, oneOf(ROLES, 'role'))
    .option('--category <category>', `engineer qualification: ${CATEGORIES.join(', ')}`, oneOf(CATEGORIES, 'category'))
    .option('--group <group...>', 'groups the engineer belongs to')
    .option('--expires <date>', 'key expiry, ISO date')
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
        const key = generateApiKey();
        await withDatabase((pool) =>
          withTransaction(pool, async (client) => {
            await insertUser(client, {
              id: options.id,
              name: options.name,
              role: options.role,
              category: options.category ?? null,
              groups: options.group ?? [],
            });
            await insertApiKey(client, {
              id: key.id,
              userId: options.id,
              secretSha256: key.secretSha256,
              label: 'cli',
              expiresAt: options.expires ?? null,
            });
          }),
        );
        console.log(key.key);
        console.error(`API key for ${options.id} (${options.role}). It is shown once; store it now.`);
      },
    );
}

/**
 * Users and their API keys: the caller (`/v1/me`), the user list and creation (admins), a new key
 * for a user (admins for anyone, everyone for themselves; shown once), and revocation. Key hashes
 * never leave the database.
 */
import { Router } from 'express';
import { AppError } from '../../lib/errors.ts';
import { withTransaction } from '../../db/pool.ts';
import {
  insertCustomerManagers,
  insertNewUser,
  revokeApiKey,
  selectUser,
  selectUsers,
  type Role,
} from '../../db/queries/users.ts';
import { apiKeyView, mintKey, userView } from '../accounts.ts';
import type { Category } from '../../definitions/model.ts';
import { callerOf } from '../auth.ts';
import { refuseField } from '../field-errors.ts';
import type { RouteDeps } from '../app.ts';

/** Body of `POST /v1/users/:id/keys` (schema: CreateKeyBody). */
export interface CreateKeyBody {
  label?: string;
  expiresAt?: string;
}

/** Body of `POST /v1/users` (schema: CreateUserBody). */
export interface CreateUserBody {
  id: string;
  name: string;
  role: Role;
  category?: Category;
  groups?: string[];
  managesCustomers?: string[];
  key?: CreateKeyBody;
}

const refuse = (path: string, message: string): never => refuseField(path, message);

function checkExpiry(expiresAt: string | undefined, path: string): string | null {
  if (expiresAt === undefined) return null;
  if (new Date(expiresAt).getTime() <= Date.now()) refuse(path, 'must be in the future');
  return expiresAt;
}

export const userRoutes = {
  me(deps: RouteDeps): Router {
    const router = Router();
    router.get('/', async (req, res) => {
      const user = await selectUser(deps.pool, callerOf(req).id);
      res.json(userView(user!));
    });
    return router;
  },

  users(deps: RouteDeps): Router {
    const router = Router();
    const { pool } = deps;

    router.get('/', async (_req, res) => {
      res.json({ items: (await selectUsers(pool)).map(userView) });
    });

    router.post('/', async (req, res) => {
      const body = req.body as CreateUserBody;
      if (body.role === 'engineer' && !body.category) refuse('/category', 'is required for an engineer');
      if (body.role !== 'engineer' && body.category) refuse('/category', 'is for engineers only');
      if (body.role !== 'pm' && body.managesCustomers?.length) refuse('/managesCustomers', 'is for PMs only');
      const expiresAt = checkExpiry(body.key?.expiresAt, '/key/expiresAt');
      const created = await withTransaction(pool, async (client) => {
        const inserted = await insertNewUser(client, {
          id: body.id,
          name: body.name,
          role: body.role,
          category: body.category ?? null,
          groups: body.groups ?? [],
        });
        if (!inserted) throw new AppError('user-exists', `A user ${body.id} exists already.`);
        if (!(await insertCustomerManagers(client, body.id, body.managesCustomers ?? []))) {
          refuse('/managesCustomers', 'names a customer that does not exist');
        }
        const apiKey = body.key
          ? await mintKey(client, body.id, { label: body.key.label ?? null, expiresAt })
          : undefined;
        const user = await selectUser(client, body.id);
        return { ...userView(user!), ...(apiKey ? { apiKey } : {}) };
      });
      res.status(201).location(`/v1/users/${body.id}`).json(created);
    });

    router.post('/:id/keys', async (req, res) => {
      const caller = callerOf(req);
      const userId = String(req.params.id);
      // Someone else's user id is as unknown to a non-admin as one that does not exist.
      const user = caller.role === 'admin' || caller.id === userId ? await selectUser(pool, userId) : null;
      if (!user) throw new AppError('not-found', `No user ${userId} whose keys you manage.`);
      const body = (req.body ?? {}) as CreateKeyBody;
      const expiresAt = checkExpiry(body.expiresAt, '/expiresAt');
      res.status(201).json(await mintKey(pool, userId, { label: body.label ?? null, expiresAt }));
    });

    return router;
  },

  keys(deps: RouteDeps): Router {
    const router = Router();
    router.delete('/:id', async (req, res) => {
      const caller = callerOf(req);
      const keyId = String(req.params.id);
      const key = /^[0-9a-f]{12}$/.test(keyId) ? await revokeApiKey(deps.pool, caller, keyId) : null;
      if (!key) throw new AppError('not-found', `No key ${keyId} that you manage.`);
      res.json(apiKeyView(key));
    });
    return router;
  },
};

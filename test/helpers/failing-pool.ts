/**
 * A real pool whose n-th `connect` fails with a connection reset, the way a worker loses its
 * database mid-activity: for tests that an activity resumes from its heartbeat details.
 */
import type { Pool } from '../../db/pool.ts';

export function poolFailingAtConnection(pool: Pool, failAt: (connection: number) => boolean): Pool {
  let connections = 0;
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'connect') {
        return async () => {
          if (failAt(++connections)) throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
          return target.connect();
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Demo data for the default stack and the end-to-end tests: customers covering each entitlement
 * basis, a rate card, one user per role, and fresh API keys (earlier demo keys are revoked, so
 * the keys printed at start are the only ones that work).
 */
import { generateApiKey } from '../lib/api-keys.ts';
import { addDays, addMonthsCivilCode, kyivDate } from '../lib/calendar.ts';
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { insertApiKey, insertUser, revokeApiKeysByLabel, type Role } from '../db/queries/users.ts';
import { upsertDemoReferenceData } from '../db/queries/demo.ts';
import { upsertReleaseDemoData } from '../db/queries/release-demo.ts';
import type { Category } from '../definitions/model.ts';

export interface DemoUser {
  id: string;
  name: string;
  role: Role;
  category: Category | null;
  groups: string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'admin', name: 'Admin', role: 'admin', category: null, groups: [] },
  { id: 'olena.pm', name: 'Olena Kovalenko (PM)', role: 'pm', category: null, groups: [] },
  {
    id: 'iryna.lead',
    name: 'Iryna Shevchenko (lead engineer)',
    role: 'engineer',
    category: 'LEAD',
    groups: ['gis', 'heads'],
  },
  // A second lead: an approval under the four-eyes rule needs a lead who did not do the work reviewed.
  {
    id: 'bohdan.lead',
    name: 'Bohdan Kravchenko (lead engineer)',
    role: 'engineer',
    category: 'LEAD',
    groups: ['gis', 'heads'],
  },
  { id: 'andrii.eng1', name: 'Andrii Melnyk (engineer, cat. I)', role: 'engineer', category: 'ENG_I', groups: ['gis'] },
  {
    id: 'taras.eng2',
    name: 'Taras Bondarenko (engineer, cat. II)',
    role: 'engineer',
    category: 'ENG_II',
    groups: ['gis'],
  },
  { id: 'oksana.tech', name: 'Oksana Tkachenko (technician)', role: 'engineer', category: 'TECH', groups: ['gis'] },
  { id: 'maria.finance', name: 'Maria Lysenko (finance)', role: 'finance', category: null, groups: [] },
];

export const DEMO_KEY_LABEL = 'demo';

/** Seeds everything; returns the new API key of every demo user by user id. */
export async function seedDemoData(pool: Pool, today: string = kyivDate(new Date())): Promise<Record<string, string>> {
  const year = today.slice(0, 4);
  return withTransaction(pool, async (client) => {
    await upsertDemoReferenceData(client, {
      today,
      yearStart: `${year}-01-01`,
      yearEnd: `${year}-12-31`,
      // The supply contract's last stage was accepted two months ago: the 6-month tail still runs.
      lastStageAccepted: addMonthsCivilCode(today, -2),
      signedLongAgo: addDays(today, -400),
    });
    await upsertReleaseDemoData(client, today);
    await revokeApiKeysByLabel(client, DEMO_KEY_LABEL);
    const keys: Record<string, string> = {};
    for (const user of DEMO_USERS) {
      await insertUser(client, user);
      const key = generateApiKey();
      await insertApiKey(client, {
        id: key.id,
        userId: user.id,
        secretSha256: key.secretSha256,
        label: DEMO_KEY_LABEL,
        expiresAt: null,
      });
      keys[user.id] = key.key;
    }
    return keys;
  });
}

/**
 * The automated activities a definition may name in an `activity` step, with what each does.
 * Pure data: the definition loader checks names against it, the worker registers an
 * implementation under each name.
 */
export interface ActivityDescription {
  readonly name: string;
  readonly summary: string;
}

export const BUSINESS_ACTIVITIES = [
  { name: 'notify.send', summary: 'Queue a notification (e-mail) to the customer, the PM or an engineer' },
] as const satisfies readonly ActivityDescription[];

export type BusinessActivityName = (typeof BUSINESS_ACTIVITIES)[number]['name'];

export const BUSINESS_ACTIVITY_NAMES: ReadonlySet<string> = new Set(BUSINESS_ACTIVITIES.map((a) => a.name));

/**
 * The Kyiv wall clock for date-time fields: a browser's `datetime-local` value has no zone, and
 * people in the console mean Kyiv time, in summer and in winter.
 */
const ZONE = 'Europe/Kyiv';
const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** '2026-12-10T09:00' on the Kyiv clock at an instant. */
export function isoToKyivLocal(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const p = Object.fromEntries(parts.formatToParts(time).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant a Kyiv wall-clock time names, as ISO 8601 UTC; null when the text is not one. */
export function kyivLocalToIso(local: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return null;
  const [y, mo, d, h, mi] = match.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at that moment, found by reading the UTC guess back on the Kyiv clock (twice,
  // so a guess on the other side of a summer-time change settles).
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = isoToKyivLocal(new Date(guess).toISOString());
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(shown)!;
    const shownUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
    guess += asUtc - shownUtc;
  }
  return new Date(guess).toISOString();
}

/**
 * Attendance of an on-site training, the pure part: the day records the trainer completes
 * (`deliver-day` results), each attendee's hours against the hours delivered, and who earns a
 * certificate. Hours are counted in hundredths and shares compared in whole numbers, so 80 % of
 * 12 hours is exactly 9.6 hours and never a float a hair below it.
 */
import { fail } from '../project-schemas.ts';

/** One training day as the trainer records it in the delivery task. */
export interface DayRecord {
  attendance: { name: string; hours: number }[];
  hoursDelivered: number;
  travelHours?: number;
}

export interface AttendeeTotal {
  /** The name as first recorded. */
  attendee: string;
  hours: number;
  /** hours / hours delivered, rounded to 4 decimals (as stored). */
  share: number;
  eligible: boolean;
}

export interface AttendanceSummary {
  hoursDelivered: number;
  travelHours: number;
  attendees: AttendeeTotal[];
  /** Records that had to be corrected: an attendee with more hours than the day delivered. */
  warnings: string[];
}

const hundredths = (hours: number): number => Math.round(hours * 100);

/** Names compare without case and extra spaces: "Олена  Коваль" and "олена коваль" are one person. */
export function attendeeKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('uk');
}

function nonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(
      `${what} must be a number of hours ≥ 0, got ${JSON.stringify(value)}; correct the delivery record`,
      'attendance-invalid',
    );
  }
  return value;
}

/** Checks a day record's shape; a malformed one fails the step without retries. */
export function dayRecord(value: unknown, label: string): DayRecord {
  const day = value as Partial<DayRecord> | null;
  if (!day || typeof day !== 'object' || !Array.isArray(day.attendance)) {
    return fail(
      `${label} has no attendance list; complete the delivery task with attendance[{name, hours}]`,
      'attendance-invalid',
    );
  }
  return {
    hoursDelivered: nonNegative(day.hoursDelivered, `${label}: hoursDelivered`),
    travelHours: day.travelHours === undefined ? 0 : nonNegative(day.travelHours, `${label}: travelHours`),
    attendance: day.attendance.map((entry, index) => {
      if (!entry || typeof entry.name !== 'string' || entry.name.trim() === '') {
        fail(`${label}: attendance[${index}] has no name`, 'attendance-invalid');
      }
      return {
        name: entry.name.trim().replace(/\s+/g, ' '),
        hours: nonNegative(entry.hours, `${label}: ${entry.name}`),
      };
    }),
  };
}

/**
 * Totals each attendee's hours over the days (an attendee counted at most the hours delivered on a
 * day) and marks those at or above `minShareOfHours` of the hours delivered. `expected` lists the
 * attendees planned (the survey): those never recorded appear with 0 hours.
 */
export function summarizeAttendance(
  days: readonly DayRecord[],
  minShareOfHours: number,
  expected: readonly string[] = [],
): AttendanceSummary {
  if (!(minShareOfHours > 0 && minShareOfHours <= 1)) {
    fail(`minShareOfHours must be above 0 and at most 1, got ${minShareOfHours}`, 'input-invalid');
  }
  // The share as a whole number of ten-thousandths: 0.8 → 8000.
  const threshold = Math.round(minShareOfHours * 10_000);
  const warnings: string[] = [];
  const totals = new Map<string, { attendee: string; hundredths: number }>();
  const totalOf = (name: string) => {
    const key = attendeeKey(name);
    const total = totals.get(key) ?? { attendee: name.trim().replace(/\s+/g, ' '), hundredths: 0 };
    totals.set(key, total);
    return total;
  };
  for (const name of expected) totalOf(name);
  let delivered = 0;
  let travel = 0;
  days.forEach((day, index) => {
    const dayDelivered = hundredths(day.hoursDelivered);
    delivered += dayDelivered;
    travel += hundredths(day.travelHours ?? 0);
    const perDay = new Map<string, number>();
    for (const { name, hours } of day.attendance) {
      const key = attendeeKey(name);
      perDay.set(key, (perDay.get(key) ?? 0) + hundredths(hours));
      totalOf(name);
    }
    for (const [key, recorded] of perDay) {
      const counted = Math.min(recorded, dayDelivered);
      if (counted < recorded) {
        const attendee = totals.get(key)!.attendee;
        warnings.push(
          `day ${index + 1}: ${attendee} recorded ${recorded / 100} h of ${dayDelivered / 100} h delivered; counted ${counted / 100} h`,
        );
      }
      totals.get(key)!.hundredths += counted;
    }
  });
  if (delivered === 0) {
    fail('no training hours were delivered; record hoursDelivered on the delivery days', 'attendance-missing');
  }
  const attendees = [...totals.values()].map(({ attendee, hundredths: h }) => ({
    attendee,
    hours: h / 100,
    share: Math.round((h / delivered) * 10_000) / 10_000,
    eligible: h * 10_000 >= threshold * delivered,
  }));
  return { hoursDelivered: delivered / 100, travelHours: travel / 100, attendees, warnings };
}

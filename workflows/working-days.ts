/**
 * Working days on Kyiv wall-clock time, for expressions such as "5 working days before the start".
 * Runs inside the workflow sandbox, so it is plain arithmetic on its arguments: it reads no clock
 * and no time-zone database, and its answer cannot change when the runtime's zone data is updated
 * under a running engagement.
 *
 * Working days are Monday to Friday. Public holidays are not counted: under martial law Ukraine has
 * suspended the moved holidays, and a holiday calendar would be per-year data that a pure function
 * of its arguments cannot carry.
 *
 * Europe/Kyiv is UTC+2, and UTC+3 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
 * last Sunday of October (the EU rule Ukraine has kept since 1996).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The range of a CEL timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z. */
const MIN_MS = utcMidnight(1, 0, 1);
const MAX_MS = utcMidnight(9999, 11, 31) + DAY_MS - 1;

/** 00:00 UTC of a date; unlike Date.UTC, years 0-99 are not taken as 1900-1999. */
function utcMidnight(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

/** The instant of 00:00 UTC on the last Sunday of `month` (0-based) of `year`. */
function lastSunday(year: number, month: number): number {
  const lastDay = utcMidnight(year, month + 1, 0);
  return lastDay - new Date(lastDay).getUTCDay() * DAY_MS;
}

/** Kyiv's offset from UTC at an instant, in milliseconds. */
export function kyivOffsetMs(instantMs: number): number {
  const year = new Date(instantMs).getUTCFullYear();
  const summerFrom = lastSunday(year, 2) + HOUR_MS;
  const summerUntil = lastSunday(year, 9) + HOUR_MS;
  return instantMs >= summerFrom && instantMs < summerUntil ? 3 * HOUR_MS : 2 * HOUR_MS;
}

/**
 * The instant at which Kyiv's clocks show `wallMs` (a wall-clock time written as if it were UTC).
 * A time skipped in spring is read as summer time moved on by the hour; a time repeated in autumn
 * is its first occurrence. Working days never fall on those Sundays, so shifts by n ≥ 1 never meet
 * either case.
 */
function fromKyivWallClock(wallMs: number): number {
  const summer = wallMs - 3 * HOUR_MS;
  return kyivOffsetMs(summer) === 3 * HOUR_MS ? summer : wallMs - 2 * HOUR_MS;
}

/** Day of the week of a day number counted from 1970-01-01 (a Thursday): 0 is Sunday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function isWorkingDay(day: number): boolean {
  const d = weekday(day);
  return d !== 0 && d !== 6;
}

/**
 * The instant `days` working days after (`direction` 1) or before (-1) `instant`, at the same Kyiv
 * wall-clock time. A start on a Saturday or Sunday counts from there: one working day before a
 * Sunday is the Friday. Zero days is the instant itself.
 */
export function shiftWorkingDays(instant: Date, days: number, direction: 1 | -1): Date {
  const what = direction < 0 ? 'workdaysBefore' : 'workdaysAfter';
  if (days < 0) {
    const other = direction < 0 ? 'workdaysAfter' : 'workdaysBefore';
    throw new RangeError(`${what} counts 0 or more working days, not ${days}; for the other direction use ${other}`);
  }
  if (!Number.isSafeInteger(days)) {
    throw new RangeError(`${what} needs a whole number of working days within the range of a timestamp, not ${days}`);
  }
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${what} needs a valid timestamp`);
  if (days === 0) return new Date(ms);
  const wall = ms + kyivOffsetMs(ms);
  let day = Math.floor(wall / DAY_MS);
  const timeOfDay = wall - day * DAY_MS;
  // The first working day in the direction, then whole weeks of five, then the rest one by one.
  let left = days;
  do day += direction;
  while (!isWorkingDay(day));
  left -= 1;
  day += direction * 7 * Math.floor(left / 5);
  left %= 5;
  while (left > 0) {
    day += direction;
    if (isWorkingDay(day)) left -= 1;
  }
  const result = fromKyivWallClock(day * DAY_MS + timeOfDay);
  if (!(result >= MIN_MS && result <= MAX_MS)) {
    throw new RangeError(`${what}: ${days} working days leave the range of a timestamp (years 1 to 9999)`);
  }
  return new Date(result);
}

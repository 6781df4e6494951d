/** Durations in definitions: `90s`, `15m`, `4h`, `3d`, `2w`, `500ms`, or whole milliseconds. */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const PATTERN = /^([0-9]{1,7})(ms|s|m|h|d|w)$/;

/** The longest duration a definition may state: a year and a day. */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

/** Milliseconds, or undefined when the value is not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const match = PATTERN.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A duration in the shortest exact unit, for messages and round trips: 5400000 → `90m`. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms > 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

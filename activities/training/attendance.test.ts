import { describe, expect, it } from 'vitest';
import { dayRecord, summarizeAttendance } from './attendance.ts';

describe('summarizeAttendance', () => {
  it('when shares sit at the edge, then exactly 80 % qualifies and 79.9 % does not, without float drift', () => {
    const summary = summarizeAttendance(
      [
        {
          hoursDelivered: 12,
          attendance: [
            { name: 'A', hours: 9.6 },
            { name: 'B', hours: 9.59 },
          ],
        },
      ],
      0.8,
    );
    expect(summary.attendees.map((a) => [a.attendee, a.share, a.eligible])).toEqual([
      ['A', 0.8, true],
      ['B', 0.7992, false],
    ]);
  });

  it('when a name is written differently on two days, then the hours are one person’s', () => {
    const summary = summarizeAttendance(
      [
        { hoursDelivered: 6, attendance: [{ name: 'Олена Коваль', hours: 6 }] },
        { hoursDelivered: 4, attendance: [{ name: ' олена   КОВАЛЬ ', hours: 4 }] },
      ],
      0.8,
      ['Олена Коваль', 'Петро Іваненко'],
    );
    expect(summary.attendees).toEqual([
      { attendee: 'Олена Коваль', hours: 10, share: 1, eligible: true },
      { attendee: 'Петро Іваненко', hours: 0, share: 0, eligible: false },
    ]);
  });

  it('when an attendee has more hours than the day delivered, then the day counts only what was delivered', () => {
    const summary = summarizeAttendance(
      [{ hoursDelivered: 4, travelHours: 2.5, attendance: [{ name: 'A', hours: 6 }] }],
      0.8,
    );
    expect(summary).toMatchObject({ hoursDelivered: 4, travelHours: 2.5, attendees: [{ hours: 4, share: 1 }] });
    expect(summary.warnings).toEqual(['day 1: A recorded 6 h of 4 h delivered; counted 4 h']);
  });

  it('when no hours were delivered or the share is out of range, then it refuses without retries', () => {
    expect(() => summarizeAttendance([{ hoursDelivered: 0, attendance: [] }], 0.8)).toThrow(
      expect.objectContaining({ type: 'attendance-missing', nonRetryable: true }),
    );
    expect(() => summarizeAttendance([{ hoursDelivered: 1, attendance: [] }], 80)).toThrow(
      expect.objectContaining({ type: 'input-invalid' }),
    );
  });

  it('when a day record lacks its attendance or has negative hours, then it names the day', () => {
    expect(() => dayRecord({ hoursDelivered: 6 }, 'day 2')).toThrow(/day 2 has no attendance list/);
    expect(() => dayRecord({ hoursDelivered: 6, attendance: [{ name: 'A', hours: -1 }] }, 'day 3')).toThrow(
      /day 3: A must be a number of hours ≥ 0/,
    );
  });
});

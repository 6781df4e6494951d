import { describe, expect, it } from 'vitest';
import { renderFeedbackSummary, summarizeFeedback } from './feedback.ts';

describe('summarizeFeedback', () => {
  it('when some attendees answered, then the rate, the averages per module and the comments are summed up', () => {
    const summary = summarizeFeedback(
      [
        { attendee: 'A', overall: 5, modules: { Editing: 5, 'Hydraulics | basics': 4 }, comment: ' Більше практики ' },
        { attendee: 'B', overall: 4, modules: { Editing: 4 } },
      ],
      ['A', 'B', 'C'],
    );
    expect(summary).toEqual({
      attendees: 3,
      responses: 2,
      responseRate: 0.67,
      overall: 4.5,
      modules: [
        { module: 'Editing', average: 4.5, ratings: 2 },
        { module: 'Hydraulics | basics', average: 4, ratings: 1 },
      ],
      comments: [{ attendee: 'A', comment: 'Більше практики' }],
    });
    expect(renderFeedbackSummary(summary)).toContain('| Hydraulics \\| basics | 4 | 1 |');
  });

  it('when nobody answered, then the averages are empty rather than zero', () => {
    expect(summarizeFeedback([], ['A'])).toMatchObject({ responses: 0, responseRate: 0, overall: null, modules: [] });
  });

  it('when a rating is not a whole number from 1 to 5, then it names the attendee and the item', () => {
    expect(() => summarizeFeedback([{ attendee: 'A', overall: 4, modules: { Editing: 4.5 } }], ['A'])).toThrow(
      /A: module Editing must be a whole rating from 1 to 5, got 4.5/,
    );
  });
});

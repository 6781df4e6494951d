import { describe, expect, it } from 'vitest';
import { median, modifiedZ, robustScale } from './robust.ts';

describe('robust statistics', () => {
  it('when the count is odd or even, then the median is the middle value or the mean of the two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('when one value is extreme, then the modified z-score singles it out and leaves the others below 3.5', () => {
    const values = [10, 11, 9, 10, 12, 10, 9, 11, 100];
    const scale = robustScale(values);
    expect(scale).toMatchObject({ median: 10, mad: 1 });
    expect(modifiedZ(100, scale)).toBeCloseTo(0.6745 * 90, 6);
    for (const v of values.slice(0, -1)) expect(Math.abs(modifiedZ(v, scale))).toBeLessThan(3.5);
  });

  it('when more than half the values are equal, then the mean absolute deviation is the scale', () => {
    const scale = robustScale([0.1, 0.1, 0.1, 0.1, 0.1, 1.5]);
    expect(scale.mad).toBe(0);
    expect(modifiedZ(1.5, scale)).toBeCloseTo(1.4 / (1.253314 * (1.4 / 6)), 6);
    expect(modifiedZ(0.1, robustScale([0.1, 0.1]))).toBe(0);
    expect(modifiedZ(0.2, robustScale([0.1, 0.1]))).toBe(Number.POSITIVE_INFINITY);
  });
});

import { describe, expect, it } from 'vitest';
import { convertValue } from './convert.ts';

describe('convertValue', () => {
  it('when a year is text, then it converts only when it is four digits in range', () => {
    expect(convertValue('1985', 'year')).toEqual({ value: 1985 });
    expect(convertValue(' 1972 ', 'year')).toEqual({ value: 1972 });
    expect(convertValue('19б5', 'year')).toBeUndefined();
    expect(convertValue(1700, 'year')).toBeUndefined();
  });

  it('when numbers come with a decimal comma, then they convert; integers refuse fractions', () => {
    expect(convertValue('2,5', 'number')).toEqual({ value: 2.5 });
    expect(convertValue('2.5', 'integer')).toBeUndefined();
    expect(convertValue(3, 'string')).toEqual({ value: '3' });
  });

  it('when booleans and dates are written the Ukrainian way, then they convert', () => {
    expect(convertValue('так', 'boolean')).toEqual({ value: true });
    expect(convertValue('ні', 'boolean')).toEqual({ value: false });
    expect(convertValue('31.12.2020', 'date')).toEqual({ value: '2020-12-31' });
    expect(convertValue('31.02.2020', 'date')).toBeUndefined();
  });
});

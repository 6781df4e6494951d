import { describe, expect, it } from 'vitest';
import { foldInventoryNumber, oneEditVariants } from './inventory-numbers.ts';

describe('inventory numbers', () => {
  it('when Cyrillic look-alikes, case and spaces differ, then the folded numbers are equal', () => {
    expect(foldInventoryNumber('ВК-0123')).toBe(foldInventoryNumber('BK-0123'));
    expect(foldInventoryNumber('ос 12')).toBe('OC12');
    expect(foldInventoryNumber('ВК-0123')).not.toBe(foldInventoryNumber('ВК-0124'));
  });

  it('when one character is dropped or two neighbours swapped, then the variants hold the other number', () => {
    const { deletions, transpositions } = oneEditVariants('INV-10023');
    expect(deletions.has('INV-1023')).toBe(true);
    expect(transpositions.has('INV-10203')).toBe(true);
    expect(transpositions.has('INV-10024')).toBe(false);
    expect(transpositions.has('INV-10023')).toBe(false);
  });
});

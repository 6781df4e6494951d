import { describe, expect, it } from 'vitest';
import { foldInventoryNumber, oneEditApart } from './inventory-numbers.ts';

describe('inventory numbers', () => {
  it('when Cyrillic look-alikes, case and spaces differ, then the folded numbers are equal', () => {
    expect(foldInventoryNumber('ВК-0123')).toBe(foldInventoryNumber('BK-0123'));
    expect(foldInventoryNumber('ос 12')).toBe('OC12');
    expect(foldInventoryNumber('ВК-0123')).not.toBe(foldInventoryNumber('ВК-0124'));
  });

  it('when one character is added, dropped or two neighbours swapped, then the numbers are one edit apart, and not when one is replaced', () => {
    expect(oneEditApart('INV-1023', 'INV-10023')).toBe('one character more');
    expect(oneEditApart('INV-10023', 'INV-1023')).toBe('one character less');
    expect(oneEditApart('INV-10023', 'INV-10203')).toBe('two characters swapped');
    expect(oneEditApart('INV-10023', 'INV-10024')).toBeNull();
    expect(oneEditApart('INV-10023', 'INV-10023')).toBeNull();
    expect(oneEditApart('INV-10023', 'INV-32001')).toBeNull();
    expect(oneEditApart('AB', 'BA')).toBe('two characters swapped');
  });
});

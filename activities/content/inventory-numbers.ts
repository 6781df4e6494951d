/**
 * Inventory numbers as people mistype them: Cyrillic letters that look like Latin ones (А/A, В/B,
 * Е/E, К/K, М/M, Н/H, О/O, Р/P, С/C, Т/T, У/Y, Х/X, І/I), case, stray spaces — and one key too many,
 * one too few or two neighbours swapped. A substituted character is not counted as an edit: it is
 * what consecutive numbers (…123, …124) look like.
 */

const LOOK_ALIKES: Readonly<Record<string, string>> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
};

const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/** The number as it reads: NFKC, upper case, Cyrillic look-alikes as Latin, no whitespace. */
export function foldInventoryNumber(number: string): string {
  return number
    .normalize('NFKC')
    .toUpperCase()
    .replace(/\s+/gu, '')
    .replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]!);
}

/** What separates `b` from `a` when it is one keystroke: a character more, one less, two neighbours swapped. */
export type OneEdit = 'one character more' | 'one character less' | 'two characters swapped';

/** How `b` differs from `a` by one insertion, deletion or swap of neighbours; null for anything else (a substitution too). */
export function oneEditApart(a: string, b: string): OneEdit | null {
  if (Math.abs(a.length - b.length) > 1 || a === b) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (b.length === a.length + 1) return b.slice(i + 1) === a.slice(i) ? 'one character more' : null;
  if (a.length === b.length + 1) return a.slice(i + 1) === b.slice(i) ? 'one character less' : null;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2) ? 'two characters swapped' : null;
}

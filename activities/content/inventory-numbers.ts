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

/** Every string one character shorter than `text`, and every one with two neighbours swapped. */
export function oneEditVariants(text: string): { deletions: Set<string>; transpositions: Set<string> } {
  const deletions = new Set<string>();
  const transpositions = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    deletions.add(text.slice(0, i) + text.slice(i + 1));
    const a = text[i]!;
    const b = text[i + 1];
    if (b !== undefined && a !== b) transpositions.add(text.slice(0, i) + b + a + text.slice(i + 2));
  }
  return { deletions, transpositions };
}

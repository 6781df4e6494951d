/**
 * A sum of money in Ukrainian words, as a primary document states its total (Law 996-XIV art. 9):
 * hryvnias in words, kopecks in two figures, each noun in the form its number asks for —
 * `Один мільйон гривень 00 копійок`, `Двадцять одна гривня 02 копійки`. Гривня, копійка and тисяча
 * are feminine (одна, дві), мільйон and мільярд masculine (один, два).
 */

type Gender = 'masculine' | 'feminine';

/** The three forms of a noun after a number: 1 (21, 31…), 2–4 (22…), 5–20 and 0 (25…). */
type Forms = readonly [one: string, few: string, many: string];

const APOSTROPHE = '\u2019';
const UNITS_MASCULINE = [
  '',
  'один',
  'два',
  'три',
  'чотири',
  `п${APOSTROPHE}ять`,
  'шість',
  'сім',
  'вісім',
  `дев${APOSTROPHE}ять`,
];
const UNITS_FEMININE = ['', 'одна', 'дві', ...UNITS_MASCULINE.slice(3)];
const TEENS = [
  'десять',
  'одинадцять',
  'дванадцять',
  'тринадцять',
  'чотирнадцять',
  `п${APOSTROPHE}ятнадцять`,
  'шістнадцять',
  'сімнадцять',
  'вісімнадцять',
  `дев${APOSTROPHE}ятнадцять`,
];
const TENS = [
  '',
  '',
  'двадцять',
  'тридцять',
  'сорок',
  `п${APOSTROPHE}ятдесят`,
  'шістдесят',
  'сімдесят',
  'вісімдесят',
  `дев${APOSTROPHE}яносто`,
];
const HUNDREDS = [
  '',
  'сто',
  'двісті',
  'триста',
  'чотириста',
  `п${APOSTROPHE}ятсот`,
  'шістсот',
  'сімсот',
  'вісімсот',
  `дев${APOSTROPHE}ятсот`,
];

const HRYVNIA: Forms = ['гривня', 'гривні', 'гривень'];
const KOPECK: Forms = ['копійка', 'копійки', 'копійок'];
/** Thousands, millions, billions: each with its gender, from the smallest. */
const SCALES: readonly { forms: Forms; gender: Gender }[] = [
  { forms: ['тисяча', 'тисячі', 'тисяч'], gender: 'feminine' },
  { forms: ['мільйон', 'мільйони', 'мільйонів'], gender: 'masculine' },
  { forms: ['мільярд', 'мільярди', 'мільярдів'], gender: 'masculine' },
];

/** The form of a noun after `n`. */
export function pluralForm(n: number, forms: Forms): string {
  const lastTwo = n % 100;
  const last = n % 10;
  if (last === 1 && lastTwo !== 11) return forms[0];
  if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) return forms[1];
  return forms[2];
}

/** 1–999 in words, in the gender of the noun that follows. */
function triadInWords(n: number, gender: Gender): string[] {
  const units = gender === 'feminine' ? UNITS_FEMININE : UNITS_MASCULINE;
  const words = [HUNDREDS[Math.floor(n / 100)] as string];
  const rest = n % 100;
  if (rest >= 10 && rest < 20) words.push(TEENS[rest - 10] as string);
  else words.push(TENS[Math.floor(rest / 10)] as string, units[rest % 10] as string);
  return words.filter((w) => w !== '');
}

/** A whole number of items of a noun with the given gender, in words: `двадцять одна`. */
export function numberInWords(n: number, gender: Gender): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a whole number of items: ${n}`);
  if (n === 0) return 'нуль';
  const words: string[] = [];
  const triads: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000)) triads.push(rest % 1000);
  if (triads.length > SCALES.length + 1) throw new RangeError(`too large to write out: ${n}`);
  for (let i = triads.length - 1; i >= 0; i -= 1) {
    const triad = triads[i] as number;
    if (triad === 0) continue;
    const scale = i === 0 ? undefined : SCALES[i - 1];
    words.push(...triadInWords(triad, scale?.gender ?? gender));
    if (scale) words.push(pluralForm(triad, scale.forms));
  }
  return words.join(' ');
}

/**
 * Kopecks as a document's total in words: `Одна тисяча двісті гривень 05 копійок`. Negative sums
 * (a reversing act) start with `Мінус`.
 */
export function amountInWords(kopecks: number): string {
  if (!Number.isSafeInteger(kopecks)) throw new RangeError(`not a whole number of kopecks: ${kopecks}`);
  const abs = Math.abs(kopecks);
  const hryvnias = Math.floor(abs / 100);
  const rest = abs % 100;
  const text = [
    kopecks < 0 ? 'мінус' : '',
    numberInWords(hryvnias, 'feminine'),
    pluralForm(hryvnias, HRYVNIA),
    String(rest).padStart(2, '0'),
    pluralForm(rest, KOPECK),
  ]
    .filter((w) => w !== '')
    .join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

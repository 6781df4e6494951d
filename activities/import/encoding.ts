/**
 * Which text encoding a source's attributes are in, read from the small headers GDAL would
 * otherwise guess from: the `.cpg` beside a Shapefile, the language driver byte of a DBF header,
 * the `Charset` of a MIF header, the `$DWGCODEPAGE` of a DXF; for a CSV, the bytes themselves.
 * Encodings are named as GDAL's recoding expects them (`CP1251`, `CP866`, `UTF-8`, …).
 */

export interface EncodingGuess {
  /** GDAL/iconv name, e.g. CP1251; null when nothing says. */
  encoding: string | null;
  /** Where it comes from: cpg, dbf-ldid, mif-charset, dxf-codepage, content, hint, default. */
  source: string;
  detail?: string;
}

/** DBF language driver ids (byte 29 of the header) → code page. */
const DBF_LANGUAGE_DRIVERS: Record<number, string> = {
  0x01: 'CP437',
  0x02: 'CP850',
  0x03: 'CP1252',
  0x26: 'CP866',
  0x57: 'CP1252',
  0x64: 'CP852',
  0x65: 'CP866',
  0x66: 'CP865',
  0x67: 'CP861',
  0x6a: 'CP737',
  0x6b: 'CP857',
  0xc8: 'CP1250',
  0xc9: 'CP1251',
  0xca: 'CP1254',
  0xcb: 'CP1253',
  0xcc: 'CP1257',
};

/** MapInfo `Charset` names → code page. */
const MIF_CHARSETS: Record<string, string> = {
  windowscyrillic: 'CP1251',
  cyrillic: 'CP866',
  codepage866: 'CP866',
  codepage1251: 'CP1251',
  windowslatin1: 'CP1252',
  windowslatin2: 'CP1250',
  windowsgreek: 'CP1253',
  windowsturkish: 'CP1254',
  windowsbaltic: 'CP1257',
  utf8: 'UTF-8',
  'utf-8': 'UTF-8',
  neutral: 'CP1252',
};

/** Normalises the many spellings of a code page to GDAL's: `1251`, `cp-1251`, `windows-1251`, `ANSI 1251`, `ibm866`. */
export function normalizeEncoding(name: string): string | null {
  const text = name
    .trim()
    .toUpperCase()
    .replace(/^ANSI[ _]?/, '')
    .replace(/^WINDOWS-?/, 'CP')
    .replace(/^IBM/, 'CP');
  if (!text) return null;
  if (/^(UTF-?8)$/.test(text)) return 'UTF-8';
  if (/^\d{3,4}$/.test(text)) return `CP${text}`;
  const cp = text.match(/^CP[-_ ]?(\d{3,4})$/);
  if (cp) return `CP${cp[1]}`;
  if (text === 'KOI8-U' || text === 'KOI8-R' || text === 'ISO-8859-5') return text;
  return null;
}

/** The encoding a `.cpg` file names. */
export function encodingFromCpg(content: Buffer): EncodingGuess {
  const text = content.toString('latin1').trim();
  return { encoding: normalizeEncoding(text), source: 'cpg', detail: text };
}

/** The code page of a DBF's language driver byte (0 = not set). */
export function encodingFromDbf(header: Buffer): EncodingGuess {
  const ldid = header.length > 29 ? header[29]! : 0;
  const detail = `language driver 0x${ldid.toString(16).padStart(2, '0')}`;
  return { encoding: DBF_LANGUAGE_DRIVERS[ldid] ?? null, source: 'dbf-ldid', detail };
}

/** The `Charset` of a MIF header, and its `CoordSys` line for the report. */
export function readMifHeader(content: Buffer): { charset: string | null; coordSys: string | null } {
  const head = content.subarray(0, 16 * 1024).toString('latin1');
  // A MIF says `Charset "WindowsCyrillic"`, a TAB `!charset WindowsCyrillic`.
  const charset = head.match(/^\s*!?Charset\s+"?([^"\r\n]*?)"?\s*$/im)?.[1] ?? null;
  const coordSys = head.match(/^\s*(CoordSys\s+[^\r\n]*)/im)?.[1]?.trim() ?? null;
  return { charset, coordSys };
}

export function encodingFromMif(content: Buffer): EncodingGuess {
  const { charset } = readMifHeader(content);
  if (charset === null) return { encoding: null, source: 'mif-charset' };
  return { encoding: MIF_CHARSETS[charset.toLowerCase()] ?? null, source: 'mif-charset', detail: charset };
}

export function encodingFromDxf(content: Buffer): EncodingGuess {
  const head = content.subarray(0, 64 * 1024).toString('latin1');
  const page = head.match(/\$DWGCODEPAGE\s*\r?\n\s*3\s*\r?\n\s*(\S+)/)?.[1];
  return {
    encoding: page ? normalizeEncoding(page.replace(/^ANSI_/i, '')) : null,
    source: 'dxf-codepage',
    detail: page,
  };
}

function cyrillicLetters(text: string): number {
  let n = 0;
  for (const c of text) if (/[\u0400-\u04ff]/.test(c)) n++;
  return n;
}

/**
 * The encoding of plain text (a CSV): UTF-8 when the bytes are valid UTF-8, else whichever of
 * CP1251 and CP866 turns more of the high bytes into Cyrillic letters. The two differ where it
 * counts: CP1251 lower case а–я is 0xE0–0xFF, CP866 puts box-drawing characters at 0xB0–0xDF.
 */
export function encodingFromContent(content: Buffer): EncodingGuess {
  const sample = content.subarray(0, 256 * 1024);
  if (!sample.some((b) => b >= 0x80)) return { encoding: null, source: 'content', detail: 'ASCII only' };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return { encoding: 'UTF-8', source: 'content', detail: 'valid UTF-8' };
  } catch {
    // not UTF-8: one of the single-byte Cyrillic code pages below
  }
  const cp1251 = cyrillicLetters(new TextDecoder('windows-1251').decode(sample));
  const cp866 = cyrillicLetters(new TextDecoder('ibm866').decode(sample));
  const encoding = cp866 > cp1251 ? 'CP866' : 'CP1251';
  return { encoding, source: 'content', detail: `Cyrillic letters: CP1251 ${cp1251}, CP866 ${cp866}` };
}

/** Decodes bytes in a GDAL-named encoding (for the headers read here; GDAL decodes the data). */
export function decode(content: Buffer, encoding: string): string {
  const label = encoding === 'CP866' ? 'ibm866' : encoding.replace(/^CP(\d+)$/, 'windows-$1');
  return new TextDecoder(label).decode(content);
}

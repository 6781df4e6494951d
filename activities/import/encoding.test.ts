import { describe, expect, it } from 'vitest';
import {
  decode,
  encodingFromContent,
  encodingFromCpg,
  encodingFromDbf,
  encodingFromMif,
  normalizeEncoding,
} from './encoding.ts';

const cp1251 = (text: string) =>
  Buffer.from([...text].map((c) => (c >= 'а' && c <= 'я' ? c.charCodeAt(0) - 0x430 + 0xe0 : c.charCodeAt(0))));
const cp866 = (text: string) =>
  Buffer.from(
    [...text].map((c) => {
      const code = c.charCodeAt(0);
      if (c >= 'а' && c <= 'п') return code - 0x430 + 0xa0;
      if (c >= 'р' && c <= 'я') return code - 0x440 + 0xe0;
      return code;
    }),
  );

describe('encoding detection', () => {
  it('when a .cpg or code page is spelled in any of the usual ways, then GDAL’s name comes out', () => {
    expect(
      ['1251', 'cp1251', 'CP-1251', 'windows-1251', 'ANSI 1251', 'ibm866', 'UTF8', 'utf-8'].map(normalizeEncoding),
    ).toEqual(['CP1251', 'CP1251', 'CP1251', 'CP1251', 'CP1251', 'CP866', 'UTF-8', 'UTF-8']);
    expect(encodingFromCpg(Buffer.from('CP1251\r\n'))).toMatchObject({ encoding: 'CP1251', source: 'cpg' });
    expect(normalizeEncoding('klingon')).toBeNull();
  });

  it('when a DBF header names a language driver, then its code page is taken; 0 says nothing', () => {
    const header = Buffer.alloc(32);
    header[29] = 0xc9;
    expect(encodingFromDbf(header).encoding).toBe('CP1251');
    header[29] = 0x26;
    expect(encodingFromDbf(header).encoding).toBe('CP866');
    header[29] = 0;
    expect(encodingFromDbf(header).encoding).toBeNull();
  });

  it('when a MIF says Charset "WindowsCyrillic", then it is CP1251', () => {
    const mif = Buffer.from('Version 300\nCharset "WindowsCyrillic"\nDelimiter ","\n');
    expect(encodingFromMif(mif)).toMatchObject({ encoding: 'CP1251', detail: 'WindowsCyrillic' });
  });

  it('when plain text is CP1251 or CP866, then the bytes tell which, and decode back to the Cyrillic', () => {
    const text = 'вул. шевченка;сталь;чавун;засувка';
    expect(encodingFromContent(cp1251(text)).encoding).toBe('CP1251');
    expect(encodingFromContent(cp866(text)).encoding).toBe('CP866');
    expect(encodingFromContent(Buffer.from(text, 'utf8')).encoding).toBe('UTF-8');
    expect(decode(cp866(text), 'CP866')).toBe(text);
    expect(decode(cp1251(text), 'CP1251')).toBe(text);
  });
});

/**
 * The text of a PDF as PDFKit writes it, enough for a test to find a name: content streams show
 * text as glyph ids (`[<0001000200…> …] TJ`) and each embedded font maps its glyphs back to Unicode
 * in a ToUnicode CMap. Every text run is decoded with every CMap; the run decoded with its own
 * font's map reads as the text, the others as noise.
 */
import { inflateSync } from 'node:zlib';

function streams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const start = /stream\r?\n/g;
  for (let match = start.exec(text); match; match = start.exec(text)) {
    const from = match.index + match[0].length;
    const to = text.indexOf('endstream', from);
    const raw = pdf.subarray(from, to);
    try {
      out.push(inflateSync(raw).toString('latin1'));
    } catch {
      out.push(raw.toString('latin1'));
    }
  }
  return out;
}

function toUnicodeMaps(all: string[]): Map<number, string>[] {
  return all
    .filter((s) => s.includes('begincmap'))
    .map((cmap) => {
      const map = new Map<number, string>();
      for (const [, from, list] of cmap.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
        [...list!.matchAll(/<([0-9a-f]+)>/gi)].forEach(([, hex], i) => {
          map.set(parseInt(from!, 16) + i, String.fromCharCode(parseInt(hex!, 16)));
        });
      }
      for (const [, glyph, unicode] of cmap.matchAll(/<([0-9a-f]{4})> <([0-9a-f]{4})>\s*$/gim)) {
        map.set(parseInt(glyph!, 16), String.fromCharCode(parseInt(unicode!, 16)));
      }
      return map;
    });
}

/** Every text run of the PDF decoded with every font's map. */
export function pdfTextRuns(pdf: Buffer): string[] {
  const all = streams(pdf);
  const maps = toUnicodeMaps(all);
  const runs = all.flatMap((s) => [...s.matchAll(/\[([^\]]*)\]\s*TJ/g)].map((m) => m[1]!));
  return runs.flatMap((run) =>
    maps.map((map) =>
      [...run.matchAll(/<([0-9a-f]+)>/gi)]
        .map(([, hex]) =>
          hex!
            .match(/.{4}/g)!
            .map((g) => map.get(parseInt(g, 16)) ?? '\uFFFD')
            .join(''),
        )
        .join(''),
    ),
  );
}

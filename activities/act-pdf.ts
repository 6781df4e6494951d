/**
 * The act of services rendered (акт наданих послуг) as a PDF, with what Law 996-XIV art. 9 asks of
 * a primary document: its name, number, date and place; the parties with their ЄДРПОУ codes; the
 * content and volume of the service (norm-hours by qualification category); amounts without VAT,
 * VAT and the total in figures and in Ukrainian words; positions and names of those responsible and
 * places for their signatures. DejaVu Sans is embedded (subset) so the file reads the same in any
 * reader and can be signed with a qualified e-signature as it is. Everything in the file — texts,
 * metadata dates, the document id — derives from the act, so one act always renders to the same bytes.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Category } from '../definitions/model.ts';
import { amountInWords } from '../lib/amount-in-words.ts';
import { formatNormHours, formatUah, type Kopecks, type MoneyTotals, type NormHundredths } from '../lib/money.ts';

const resolveFont = (file: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`);

/** A party to the act as the document names it. */
export interface ActParty {
  name: string;
  /** Код ЄДРПОУ: 8 digits. */
  edrpou: string;
  address: string;
  /** Індивідуальний податковий номер, when the party is a VAT payer. */
  vatNumber: string | null;
  /** Who signs for the party. */
  signatory: { position: string; name: string };
}

export interface ActDocumentLine {
  /** What was done: the service and, for named lines, the line (`навчання`, `проїзд`). */
  description: string;
  category: Category;
  normHours: NormHundredths;
  rateKopecks: Kopecks;
  amountExclVat: Kopecks;
}

export interface ActDocument {
  number: string;
  /** Europe/Kyiv date of the act, YYYY-MM-DD. */
  date: string;
  place: string;
  vendor: ActParty;
  customer: ActParty;
  /** The contract or order the service was rendered under. */
  basis: string;
  lines: ActDocumentLine[];
  vatRatePercent: number;
  totals: MoneyTotals;
  /** Said on the act when its engagement did not complete (docs/acts.md). */
  notice: string | null;
}

/** The qualification categories as a Ukrainian act names them (DOMAIN.md). */
export const CATEGORY_TITLES: Record<Category, string> = {
  LEAD: 'провідний інженер',
  ENG_I: 'інженер I категорії',
  ENG_II: 'інженер II категорії',
  ENG: 'інженер без категорії',
  TECH: 'технік',
};

const MONTHS = [
  'січня',
  'лютого',
  'березня',
  'квітня',
  'травня',
  'червня',
  'липня',
  'серпня',
  'вересня',
  'жовтня',
  'листопада',
  'грудня',
];

/** 2026-03-31 → «31» березня 2026 р. */
export function dateInWords(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `«${String(day).padStart(2, '0')}» ${MONTHS[month - 1]} ${year}\u00a0р.`;
}

const uah = (kopecks: Kopecks) => formatUah(kopecks);

/** Columns of the service table: title, width in points, alignment. */
const COLUMNS = [
  { title: '№', width: 24, align: 'center' },
  { title: 'Найменування послуги', width: 160, align: 'left' },
  { title: 'Кваліфікаційна категорія', width: 90, align: 'left' },
  { title: 'Од. виміру', width: 54, align: 'center' },
  { title: 'Кількість', width: 50, align: 'right' },
  { title: 'Ціна без ПДВ, грн', width: 58, align: 'right' },
  { title: 'Сума без ПДВ, грн', width: 67, align: 'right' },
] as const;

export async function renderActPdf(act: ActDocument): Promise<Buffer> {
  // The act's own date (noon in Kyiv) is the file's creation date: the file id pdfkit derives from
  // the metadata is then the same for every rendering.
  const created = new Date(`${act.date}T10:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 42,
    lang: 'uk-UA',
    displayTitle: true,
    info: {
      Title: `Акт надання послуг № ${act.number}`,
      Subject: `${act.vendor.name} — ${act.customer.name}`,
      Author: act.vendor.name,
      Creator: 'Potik',
      Producer: 'Potik',
      CreationDate: created,
      ModDate: created,
    },
  });
  doc.registerFont('body', resolveFont('DejaVuSans.ttf'));
  doc.registerFont('bold', resolveFont('DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.font('bold').fontSize(14).text(`АКТ № ${act.number}`, { align: 'center', width });
  doc.fontSize(11).text('надання послуг', { align: 'center', width });
  doc.moveDown(0.6);
  const top = doc.y;
  doc
    .font('body')
    .fontSize(10)
    .text(`м.\u00a0${act.place}`, left, top, { width: width / 2 });
  doc.text(dateInWords(act.date), left + width / 2, top, { width: width / 2, align: 'right' });
  doc.x = left;
  doc.moveDown(1);

  party(doc, 'Виконавець', act.vendor, width);
  party(doc, 'Замовник', act.customer, width);
  doc.moveDown(0.3);
  doc
    .font('body')
    .fontSize(10)
    .text(
      `Ми, що нижче підписалися, представник Виконавця ${act.vendor.signatory.position} ${act.vendor.signatory.name} ` +
        `та представник Замовника ${act.customer.signatory.position} ${act.customer.signatory.name}, склали цей акт ` +
        `про те, що Виконавець надав, а Замовник прийняв такі послуги (підстава: ${act.basis}):`,
      left,
      doc.y,
      { width, align: 'justify' },
    );
  doc.moveDown(0.6);
  table(doc, act, left);

  doc.moveDown(0.6);
  const figures: [string, string][] = [
    ['Разом без ПДВ:', uah(act.totals.amountExclVat)],
    [act.vatRatePercent > 0 ? `ПДВ ${act.vatRatePercent}\u00a0%:` : 'Без ПДВ:', uah(act.totals.vat)],
    ['Усього з ПДВ:', uah(act.totals.amountInclVat)],
  ];
  for (const [label, value] of figures) {
    const y = doc.y;
    doc
      .font('bold')
      .fontSize(10)
      .text(label, left, y, { width: width - 90, align: 'right' });
    doc.text(`${value}\u00a0грн`, left + width - 90, y, { width: 90, align: 'right' });
  }
  doc.x = left;
  doc.moveDown(0.6);
  doc
    .font('body')
    .text(`Загальна вартість наданих послуг: ${amountInWords(act.totals.amountInclVat)}`, left, doc.y, { width });
  doc.text(
    act.vatRatePercent > 0
      ? `у тому числі ПДВ ${act.vatRatePercent}\u00a0%: ${amountInWords(act.totals.vat).toLowerCase()}.`
      : 'без ПДВ.',
    { width },
  );
  doc.moveDown(0.4);
  doc.text('Послуги надано в повному обсязі та в строк. Сторони претензій одна до одної не мають.', { width });
  if (act.notice) {
    doc.moveDown(0.4);
    doc.font('bold').text(act.notice, { width });
  }

  doc.moveDown(2);
  const signaturesTop = doc.y;
  signature(doc, 'Від Виконавця', act.vendor, left, signaturesTop, width / 2 - 12);
  signature(doc, 'Від Замовника', act.customer, left + width / 2 + 12, signaturesTop, width / 2 - 12);
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

function party(doc: PDFKit.PDFDocument, role: string, p: ActParty, width: number): void {
  const codes = [`код ЄДРПОУ ${p.edrpou}`, p.vatNumber ? `ІПН ${p.vatNumber}` : 'не є платником ПДВ'];
  doc.font('bold').fontSize(10).text(`${role}: `, { continued: true, width });
  doc.font('body').text(`${p.name}, ${codes.join(', ')}; ${p.address}`, { width });
  doc.moveDown(0.3);
}

function table(doc: PDFKit.PDFDocument, act: ActDocument, left: number): void {
  const rows: string[][] = act.lines.map((line, i) => [
    String(i + 1),
    line.description,
    CATEGORY_TITLES[line.category],
    'норм-год',
    formatNormHours(line.normHours),
    uah(line.rateKopecks),
    uah(line.amountExclVat),
  ]);
  row(
    doc,
    left,
    COLUMNS.map((c) => c.title),
    'bold',
  );
  for (const cells of rows) row(doc, left, cells, 'body');
}

function row(doc: PDFKit.PDFDocument, left: number, cells: string[], font: 'body' | 'bold'): void {
  doc.font(font).fontSize(8);
  const padding = 3;
  const height =
    Math.max(...COLUMNS.map((c, i) => doc.heightOfString(cells[i] ?? '', { width: c.width - 2 * padding }))) +
    2 * padding;
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const y = doc.y;
  let x = left;
  COLUMNS.forEach((c, i) => {
    doc.rect(x, y, c.width, height).lineWidth(0.5).stroke();
    doc.text(cells[i] ?? '', x + padding, y + padding, { width: c.width - 2 * padding, align: c.align });
    x += c.width;
  });
  doc.x = left;
  doc.y = y + height;
}

function signature(doc: PDFKit.PDFDocument, title: string, p: ActParty, x: number, y: number, width: number): void {
  doc.font('bold').fontSize(10).text(title, x, y, { width });
  doc.font('body').text(p.signatory.position, x, doc.y + 4, { width });
  doc.moveDown(1.6);
  doc.text(`____________________ ${p.signatory.name}`, x, doc.y, { width });
  doc.fontSize(7).text('(підпис)', x + 40, doc.y + 1, { width: 60 });
  doc.fontSize(10).text('М.\u00a0П. (за наявності)', x, doc.y + 6, { width });
}

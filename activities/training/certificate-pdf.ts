/**
 * The certificate as a PDF. DejaVu Sans is embedded (subset) so Ukrainian names render on any
 * reader. Everything that goes into the file — texts, creation date, document id — derives from the
 * certificate record, so the same certificate always renders to the same bytes and checksum.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { kyivDate } from '../../lib/calendar.ts';

const FONT_PATH = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD_FONT_PATH = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface CertificateContent {
  number: string;
  attendee: string;
  hours: number;
  hoursDelivered: number;
  share: number;
  issuedAt: Date;
  programme: string;
  site: string | null;
  trainer: string | null;
  /** First and last training day (Kyiv dates), when known. */
  period: { from: string; to: string } | null;
}

const percent = (share: number): string => `${Math.round(share * 1000) / 10} %`;

export async function renderCertificatePdf(c: CertificateContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: {
      Title: `Certificate ${c.number}`,
      Subject: c.attendee,
      Author: 'IVK Potok-Model',
      Creator: 'Potik',
      Producer: 'Potik',
      CreationDate: c.issuedAt,
    },
  });
  doc.registerFont('body', FONT_PATH);
  doc.registerFont('bold', BOLD_FONT_PATH);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;
  doc.font('bold').fontSize(30).text('СЕРТИФІКАТ / CERTIFICATE', { align: 'center', width });
  doc.moveDown(0.3);
  doc.font('body').fontSize(14).text(`№ ${c.number}`, { align: 'center', width });
  doc.moveDown(1.5);
  doc.fontSize(14).text('засвідчує, що / certifies that', { align: 'center', width });
  doc.moveDown(0.5);
  doc.font('bold').fontSize(26).text(c.attendee, { align: 'center', width });
  doc.moveDown(0.8);
  doc.font('body').fontSize(14);
  doc.text('пройшов(ла) навчання з роботи в ГІС CityCom / completed the on-site training in CityCom', {
    align: 'center',
    width,
  });
  doc.moveDown(0.3);
  doc.font('bold').text(`«${c.programme}»`, { align: 'center', width });
  doc.moveDown(0.8);
  doc.font('body').fontSize(12);
  doc.text(`Присутність / attendance: ${c.hours} год. з ${c.hoursDelivered} год. (${percent(c.share)})`, {
    align: 'center',
    width,
  });
  if (c.period) {
    const period = c.period.from === c.period.to ? c.period.from : `${c.period.from} — ${c.period.to}`;
    doc.text(`Дати навчання / training dates: ${period}`, { align: 'center', width });
  }
  if (c.site) doc.text(`Місце / site: ${c.site}`, { align: 'center', width });
  doc.moveDown(2);
  doc.text(`Тренер / trainer: ${c.trainer ?? '________________'}`, { align: 'left', width });
  doc.text(`Дата видачі / issued: ${kyivDate(c.issuedAt)}`, { align: 'left', width });
  doc.text('ІВК «Потік-Модель», Харків / IVK Potok-Model, Kharkiv', { align: 'left', width });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

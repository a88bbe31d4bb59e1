import PDFDocument from 'pdfkit';
import type { ReportContent } from './reportContent';

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const NAVY = '#1d3557';
const RED = '#b00020';
const MARGIN = 40;

/**
 * The report as an A4 PDF (pdfkit, DejaVu fonts so any name prints). Same content as the HTML.
 * Returns the bytes once pdfkit has finished writing.
 */
export function renderReportPdf(c: ReportContent, meta: { softwareVersion: string }): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: c.title, Creator: `SIJ Reader ${meta.softwareVersion}` },
  });
  doc.registerFont('body', `${FONT_DIR}/DejaVuSans.ttf`);
  doc.registerFont('bold', `${FONT_DIR}/DejaVuSans-Bold.ttf`);
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 30;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };

  const heading = (text: string) => {
    ensure(40);
    doc.moveDown(0.6).font('bold').fontSize(11).fillColor(NAVY).text(text, MARGIN, doc.y);
    doc
      .moveTo(MARGIN, doc.y + 1)
      .lineTo(MARGIN + width, doc.y + 1)
      .lineWidth(0.5)
      .strokeColor(NAVY)
      .stroke();
    doc.moveDown(0.3).fillColor('black');
  };
  const pairs = (rows: [string, string][], keyWidth = 150) => {
    for (const [k, v] of rows) {
      doc.font('body').fontSize(9);
      const h = Math.max(doc.heightOfString(v, { width: width - keyWidth }), 11);
      ensure(h + 2);
      const y = doc.y;
      doc.fillColor('#555').text(k, MARGIN, y, { width: keyWidth - 6 });
      doc.fillColor('black').text(v, MARGIN + keyWidth, y, { width: width - keyWidth });
      doc.y = y + h + 2;
    }
  };
  const table = (t: { head: string[]; rows: string[][] }, widths: number[], size = 8) => {
    const pad = 3;
    const rowHeight = (cells: string[], font: string) => {
      doc.font(font).fontSize(size);
      return (
        Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - 2 * pad }))) +
        2 * pad
      );
    };
    const drawRow = (cells: string[], font: string, fill: string | null) => {
      const h = rowHeight(cells, font);
      ensure(h);
      const y = doc.y;
      let x = MARGIN;
      cells.forEach((cell, i) => {
        if (fill) doc.rect(x, y, widths[i], h).fill(fill);
        doc.rect(x, y, widths[i], h).lineWidth(0.4).strokeColor('#aaa').stroke();
        doc
          .fillColor('black')
          .font(font)
          .fontSize(size)
          .text(cell, x + pad, y + pad, { width: widths[i] - 2 * pad });
        x += widths[i];
      });
      doc.y = y + h;
    };
    drawRow(t.head, 'bold', '#e9eef5');
    for (const r of t.rows) drawRow(r, 'body', null);
    doc.x = MARGIN;
  };

  // Title block
  doc.font('bold').fontSize(15).fillColor(NAVY).text(c.title, MARGIN, MARGIN, { width });
  doc
    .moveTo(MARGIN, doc.y + 2)
    .lineTo(MARGIN + width, doc.y + 2)
    .lineWidth(1.5)
    .strokeColor(NAVY)
    .stroke();
  doc.moveDown(0.6);
  if (c.draft)
    doc.font('bold').fontSize(12).fillColor(RED).text('DRAFT – NOT SIGNED', MARGIN, doc.y).moveDown(0.3);
  if (c.modelWarning) {
    doc.font('bold').fontSize(9);
    const h = doc.heightOfString(c.modelWarning, { width: width - 12 }) + 10;
    const y = doc.y;
    doc.rect(MARGIN, y, width, h).fill(RED);
    doc.fillColor('white').text(c.modelWarning, MARGIN + 6, y + 5, { width: width - 12 });
    doc.y = y + h + 6;
  }
  doc.fillColor('black');
  pairs(c.header, 90);

  heading('Judgements');
  const n = c.judgements.head.length;
  const judgementWidths =
    n === 6
      ? [125, 40, 75, 100, 95, width - 435]
      : n === 5
        ? [150, 45, 85, 115, width - 395]
        : [width - 200, 80, 120];
  table(c.judgements, judgementWidths);
  doc.font('body').fontSize(7.5).fillColor('#555');
  doc.text(
    '"Definite" = confidence 3 or 4. The model suggests yes when its probability reaches its threshold; the reader accepts or overrides each suggestion.',
    MARGIN,
    doc.y + 3,
    { width },
  );
  doc.fillColor('black');

  heading('Scores computed from the lesion grid');
  pairs(c.scores);

  heading('Lesion grid (image numbers per quadrant)');
  if (c.grid.rows.length) {
    const first = 91;
    table({ head: c.grid.head, rows: c.grid.rows }, [first, ...Array(8).fill((width - first) / 8)], 7);
  } else doc.font('body').fontSize(9).text('No lesions recorded.', MARGIN, doc.y);

  heading('Image quality');
  pairs(c.quality);
  heading('Clinical context');
  pairs(c.context);
  if (c.mimicsNote)
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#555')
      .text(c.mimicsNote, MARGIN, doc.y + 2, { width })
      .fillColor('black');
  if (c.comment) {
    heading('Comment');
    doc.font('body').fontSize(9).text(c.comment, MARGIN, doc.y, { width });
  }

  if (c.images.length) {
    const imgW = (width - 12) / 2;
    const imgH = imgW;
    ensure(imgH + 60);
    heading('Key images');
    // A row is as tall as its longer caption (a heat map's caption says how far the map can be trusted).
    for (let i = 0; i < c.images.length; i += 2) {
      const row = c.images.slice(i, i + 2);
      doc.font('body').fontSize(7.5);
      const captionH = Math.max(...row.map((im) => doc.heightOfString(im.caption, { width: imgW })));
      ensure(imgH + captionH + 8);
      const y = doc.y;
      row.forEach((im, col) => {
        const x = MARGIN + col * (imgW + 12);
        doc.image(im.png, x, y, { fit: [imgW, imgH], align: 'center', valign: 'center' });
        doc.rect(x, y, imgW, imgH).lineWidth(0.5).strokeColor('#333').stroke();
        doc.fillColor('#333').text(im.caption, x, y + imgH + 2, { width: imgW });
      });
      doc.y = y + imgH + 2 + captionH + 6;
    }
    doc.fillColor('black');
  }

  heading('Model');
  pairs(c.model, 90);
  ensure(30);
  doc
    .moveDown(0.8)
    .font('bold')
    .fontSize(10)
    .fillColor(c.draft ? RED : 'black')
    .text(c.signature, MARGIN, doc.y, { width });

  // Footer on every page
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = doc.page.height - MARGIN - 12;
    doc.font('body').fontSize(7).fillColor('#777');
    doc.text(
      `SIJ Reader ${meta.softwareVersion} · ${c.draft ? 'DRAFT' : 'signed report'} · page ${i + 1} of ${range.count}`,
      MARGIN,
      y,
      {
        width,
        align: 'center',
        lineBreak: false,
      },
    );
  }
  doc.end();
  return done;
}

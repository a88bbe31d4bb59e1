import type { ReportContent } from './reportContent';

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const pairs = (rows: [string, string][]) =>
  `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;

const table = (t: { head: string[]; rows: string[][] }) =>
  `<table class="grid"><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

/** A self-contained HTML report (images inline), the same content as the PDF. */
export function renderReportHtml(c: ReportContent): string {
  const images = c.images
    .map(
      (im) =>
        `<figure><img alt="${esc(im.caption)}" src="data:image/png;base64,${im.png.toString('base64')}"><figcaption>${esc(im.caption)}</figcaption></figure>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(c.title)}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10pt;color:#111;max-width:190mm;margin:12mm auto}
h1{font-size:15pt;margin:0 0 2mm;border-bottom:2px solid #1d3557;padding-bottom:2mm;color:#1d3557}
h2{font-size:11pt;margin:6mm 0 2mm;color:#1d3557}
table{border-collapse:collapse;width:100%}
.kv th{text-align:left;width:45mm;font-weight:normal;color:#555;padding:1px 4px;vertical-align:top}
.kv td{padding:1px 4px}
.grid th,.grid td{border:1px solid #bbb;padding:2px 4px;font-size:8.5pt;text-align:left;vertical-align:top}
.grid th{background:#e9eef5}
.warning{background:#b00020;color:#fff;padding:2mm 3mm;font-weight:bold;margin:3mm 0}
.draft{color:#b00020;font-weight:bold;font-size:13pt}
.signature{margin-top:6mm;font-weight:bold}
.note{color:#555;font-size:8.5pt}
figure{display:inline-block;margin:2mm;width:85mm;vertical-align:top}
figure img{width:100%;image-rendering:pixelated;border:1px solid #333}
figcaption{font-size:8.5pt;color:#333}
</style></head><body>
<h1>${esc(c.title)}</h1>
${c.draft ? '<p class="draft">DRAFT – NOT SIGNED</p>' : ''}
${c.modelWarning ? `<div class="warning">${esc(c.modelWarning)}</div>` : ''}
${pairs(c.header)}
<h2>Judgements</h2>
${table(c.judgements)}
<p class="note">"Definite" = confidence 3 or 4. The model suggests yes when its probability reaches its threshold; the reader accepts or overrides each suggestion.</p>
<h2>Scores computed from the lesion grid</h2>
${pairs(c.scores)}
<h2>Lesion grid (image numbers per quadrant)</h2>
${c.grid.rows.length ? table(c.grid) : '<p>No lesions recorded.</p>'}
<h2>Image quality</h2>
${pairs(c.quality)}
<h2>Clinical context</h2>
${pairs(c.context)}
${c.mimicsNote ? `<p class="note">${esc(c.mimicsNote)}</p>` : ''}
${c.comment ? `<h2>Comment</h2><p>${esc(c.comment)}</p>` : ''}
${images ? `<h2>Key images</h2>${images}` : ''}
<h2>Model</h2>
${pairs(c.model)}
<p class="signature">${esc(c.signature)}</p>
</body></html>
`;
}

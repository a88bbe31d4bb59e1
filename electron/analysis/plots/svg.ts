/** Minimal SVG writing: escaped text and fixed-precision coordinates, so output is stable. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

export const fmt = (x: number): string => (Math.round(x * 100) / 100).toString();

export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(content)}</text>`;
}

/** Percent with no decimals, as the paper prints. */
export const pct = (x: number): string => `${Math.round(100 * x)}%`;

/** A colour per reader, distinguishable in print (Okabe-Ito palette). */
export const PALETTE = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#0072B2',
  '#F0E442',
  '#000000',
];

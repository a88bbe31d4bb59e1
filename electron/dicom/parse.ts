import { dicomParser, type DataSet } from './dicom-parser';
import type { ParseDicomOptions } from 'dicom-parser';
import { Tag, TransferSyntax } from './tags';

/** Why a file could not be read as DICOM; the message is shown to users beside the path. */
export class DicomReadError extends Error {}

export interface ParsedDicom {
  dataSet: DataSet;
  transferSyntax: string;
}

const VRS = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);

function hasPart10Prefix(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

function vrAt(bytes: Uint8Array, pos: number): string {
  return String.fromCharCode(bytes[pos], bytes[pos + 1]);
}

/**
 * Groups a bare data set may plausibly start with. Requiring one of them (and a sane element
 * number) keeps arbitrary binary files from being mistaken for DICOM.
 */
const FIRST_GROUPS = new Set([0x0008, 0x0010, 0x0018, 0x0020, 0x0028]);

/**
 * The transfer syntax of a file without the Part-10 preamble, guessed from its first element
 * only when the guess is unambiguous; undefined means "not DICOM".
 */
function sniffBareDataSet(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const groupLE = bytes[0] | (bytes[1] << 8);
  const groupBE = (bytes[0] << 8) | bytes[1];
  const vr = vrAt(bytes, 4);
  if (FIRST_GROUPS.has(groupLE)) {
    return VRS.has(vr) ? TransferSyntax.ExplicitLittle : TransferSyntax.ImplicitLittle;
  }
  if (FIRST_GROUPS.has(groupBE) && VRS.has(vr)) return TransferSyntax.ExplicitBig;
  return undefined;
}

function withSyntheticPreamble(bytes: Uint8Array): Uint8Array {
  const out = Buffer.alloc(bytes.length + 132);
  out.write('DICM', 128, 'latin1');
  out.set(bytes, 132);
  return out;
}

function describeParserError(err: unknown): string {
  const inner =
    typeof err === 'object' && err !== null && 'exception' in err
      ? (err as { exception: unknown }).exception
      : err;
  const text = inner instanceof Error ? inner.message : String(inner);
  return text.replace(/^dicomParser\.\w+:\s*/, '');
}

/**
 * Parses a file's bytes: Part-10 files, Part-10 meta groups without the 128-byte preamble, and
 * bare data sets in implicit/explicit little endian or explicit big endian. The extension is
 * never consulted.
 */
export function parseDicomBytes(bytes: Uint8Array, options: { headerOnly?: boolean } = {}): ParsedDicom {
  let input = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bareSyntax: string | undefined;
  if (!hasPart10Prefix(input)) {
    const metaWithoutPreamble =
      input.length > 8 && input[0] === 0x02 && input[1] === 0x00 && VRS.has(vrAt(input, 4));
    if (metaWithoutPreamble) input = withSyntheticPreamble(input) as Buffer;
    else {
      bareSyntax = sniffBareDataSet(input);
      if (!bareSyntax)
        throw new DicomReadError('not a DICOM file (no DICM prefix and no recognisable data set)');
    }
  }
  const parseOptions: ParseDicomOptions = {};
  if (bareSyntax) parseOptions.TransferSyntaxUID = bareSyntax;
  if (options.headerOnly) parseOptions.untilTag = Tag.PixelData;
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(input, parseOptions);
  } catch (err) {
    throw new DicomReadError(`truncated or corrupt DICOM: ${describeParserError(err)}`);
  }
  const transferSyntax = bareSyntax ?? dataSet.string(Tag.TransferSyntaxUID)?.replace(/\0/g, '').trim();
  if (!transferSyntax) throw new DicomReadError('meta header has no transfer syntax (0002,0010)');
  if (!dataSet.elements[Tag.SOPClassUID] && !dataSet.elements[Tag.DirectoryRecordSequence]) {
    throw new DicomReadError('no SOP Class UID (0008,0016): not a DICOM object');
  }
  return { dataSet, transferSyntax };
}

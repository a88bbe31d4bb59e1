/**
 * A small, fast DICOM Part 10 writer: explicit VR little endian, one MR image per file. It writes
 * only what the generator needs (strings, numbers, 16-bit pixels) and pads values to even length as
 * PS3.5 requires. dcmjs would do the same but is too slow for thousands of files.
 */

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
export const IMPLEMENTATION_CLASS_UID = '2.25.290715148796325810458313436548306312301';
export const IMPLEMENTATION_VERSION = 'SIJPHANTOM_1';

type StringVr = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'ST' | 'TM' | 'UI';
const LONG_LENGTH_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

interface Element {
  tag: number;
  vr: string;
  value: Buffer;
}

/** Builds one data set; elements may be added in any order, they are sorted on write. */
export class DicomDataset {
  private readonly elements: Element[] = [];

  string(
    group: number,
    element: number,
    vr: StringVr,
    value: string | number | readonly (string | number)[],
  ): this {
    const text = Array.isArray(value) ? value.map(String).join('\\') : String(value);
    let bytes = Buffer.from(text, 'latin1');
    if (bytes.length % 2 === 1) bytes = Buffer.concat([bytes, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
    this.elements.push({ tag: tagOf(group, element), vr, value: bytes });
    return this;
  }

  us(group: number, element: number, value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(value);
    this.elements.push({ tag: tagOf(group, element), vr: 'US', value: b });
    return this;
  }

  usMulti(group: number, element: number, values: readonly number[]): this {
    const b = Buffer.alloc(2 * values.length);
    values.forEach((v, i) => b.writeUInt16LE(v, 2 * i));
    this.elements.push({ tag: tagOf(group, element), vr: 'US', value: b });
    return this;
  }

  ul(group: number, element: number, value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.elements.push({ tag: tagOf(group, element), vr: 'UL', value: b });
    return this;
  }

  fd(group: number, element: number, value: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.elements.push({ tag: tagOf(group, element), vr: 'FD', value: b });
    return this;
  }

  ob(group: number, element: number, value: Buffer): this {
    this.elements.push({ tag: tagOf(group, element), vr: 'OB', value: padEven(value) });
    return this;
  }

  ow(group: number, element: number, value: Buffer): this {
    this.elements.push({ tag: tagOf(group, element), vr: 'OW', value: padEven(value) });
    return this;
  }

  encode(): Buffer {
    const sorted = [...this.elements].sort((a, b) => a.tag - b.tag);
    const parts: Buffer[] = [];
    for (const e of sorted) parts.push(encodeHeader(e), e.value);
    return Buffer.concat(parts);
  }
}

function tagOf(group: number, element: number): number {
  return group * 0x10000 + element;
}

function padEven(b: Buffer): Buffer {
  return b.length % 2 === 0 ? b : Buffer.concat([b, Buffer.from([0])]);
}

function encodeHeader(e: Element): Buffer {
  const long = LONG_LENGTH_VRS.has(e.vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(Math.floor(e.tag / 0x10000), 0);
  h.writeUInt16LE(e.tag & 0xffff, 2);
  h.write(e.vr, 4, 'latin1');
  if (long) h.writeUInt32LE(e.value.length, 8);
  else {
    if (e.value.length > 0xffff) throw new Error(`DICOM value of ${e.vr} too long for a 16-bit length`);
    h.writeUInt16LE(e.value.length, 6);
  }
  return h;
}

/** Preamble, "DICM", File Meta Information (group 0002) and the data set. */
export function encodePart10(dataset: DicomDataset, sopClassUid: string, sopInstanceUid: string): Buffer {
  const meta = new DicomDataset()
    .ob(0x0002, 0x0001, Buffer.from([0, 1]))
    .string(0x0002, 0x0002, 'UI', sopClassUid)
    .string(0x0002, 0x0003, 'UI', sopInstanceUid)
    .string(0x0002, 0x0010, 'UI', EXPLICIT_VR_LITTLE_ENDIAN)
    .string(0x0002, 0x0012, 'UI', IMPLEMENTATION_CLASS_UID)
    .string(0x0002, 0x0013, 'SH', IMPLEMENTATION_VERSION)
    .encode();
  const groupLength = new DicomDataset().ul(0x0002, 0x0000, meta.length).encode();
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, groupLength, meta, dataset.encode()]);
}

/** DS values: at most 16 characters. */
export function ds(x: number): string {
  for (let digits = 10; digits >= 1; digits--) {
    const s = Number(x.toPrecision(digits)).toString();
    if (s.length <= 16) return s;
  }
  return x.toExponential(6);
}

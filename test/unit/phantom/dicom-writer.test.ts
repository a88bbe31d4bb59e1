import { describe, expect, it } from 'vitest';
import dicomParser from 'dicom-parser';
import {
  DicomDataset,
  ds,
  encodePart10,
  EXPLICIT_VR_LITTLE_ENDIAN,
  MR_IMAGE_STORAGE,
} from '../../../electron/phantom/dicomWriter';
import { uidFromKey } from '../../../electron/phantom/random';

describe('phantom DICOM writer', () => {
  it('writes Part 10 explicit VR little endian that dicom-parser reads back', () => {
    const pixels = new Uint16Array([0, 1, 4095, 1234, 7, 8]);
    const sop = uidFromKey('test/1');
    const d = new DicomDataset()
      .string(0x0008, 0x0060, 'CS', 'MR')
      .string(0x0010, 0x0010, 'PN', 'PHANTOM^ODD')
      .string(0x0020, 0x0032, 'DS', ['-1.5', '2', '3.25'])
      .string(0x0008, 0x0018, 'UI', sop)
      .us(0x0028, 0x0010, 2)
      .us(0x0028, 0x0011, 3)
      .ow(0x7fe0, 0x0010, Buffer.from(pixels.buffer));
    const bytes = encodePart10(d, MR_IMAGE_STORAGE, sop);
    expect(bytes.toString('latin1', 128, 132)).toBe('DICM');
    const parsed = dicomParser.parseDicom(new Uint8Array(bytes));
    expect(parsed.string('x00020010')).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(parsed.string('x00020002')).toBe(MR_IMAGE_STORAGE);
    expect(parsed.string('x00080060')).toBe('MR');
    expect(parsed.string('x00100010')).toBe('PHANTOM^ODD');
    expect(parsed.string('x00080018')).toBe(sop);
    expect(parsed.string('x00200032')).toBe('-1.5\\2\\3.25');
    expect(parsed.uint16('x00280010')).toBe(2);
    const el = parsed.elements.x7fe00010;
    expect(
      Array.from(
        new Uint16Array(
          bytes.buffer.slice(bytes.byteOffset + el.dataOffset, bytes.byteOffset + el.dataOffset + el.length),
        ),
      ),
    ).toEqual(Array.from(pixels));
    for (const e of Object.values(parsed.elements)) expect(e.length % 2).toBe(0);
  });
  it('UIDs are valid (digits and dots, <= 64 chars, no leading zeros) and stable per key', () => {
    const a = uidFromKey('exam/7/study');
    expect(a).toBe(uidFromKey('exam/7/study'));
    expect(a).not.toBe(uidFromKey('exam/8/study'));
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).toMatch(/^2\.25\.[1-9][0-9]*$/);
  });
  it('DS values fit in 16 characters', () => {
    for (const x of [0.46875, -123.456789012345, 1 / 3, 1e-9, 123456789.123])
      expect(ds(x).length).toBeLessThanOrEqual(16);
    expect(Number(ds(1 / 3))).toBeCloseTo(1 / 3, 9);
  });
});

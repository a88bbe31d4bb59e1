import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DicomDataset, ds, encodePart10, MR_IMAGE_STORAGE } from './dicomWriter';
import type { SeriesAcquisition } from './acquisition';
import type { ScannerProfile } from './profiles';
import type { SeriesGeometry } from './geometry';
import { slicePosition } from './geometry';
import { uidFromKey } from './random';

export interface StudyIdentity {
  examId: string;
  uidKey: string;
  patientName: string;
  patientId: string;
  birthDate: string;
  sex: 'F' | 'M';
  ageYears: number;
  studyDate: string;
  studyTime: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  accessionNumber: string;
  institution: string;
}

/**
 * Stored pixel values from real-world values: stored = (value - intercept) / slope, rounded and
 * clamped to the vendor's range (12-bit unsigned, or signed 16-bit).
 */
export function toStored(
  values: Float32Array,
  acq: SeriesAcquisition,
  profile: ScannerProfile,
): Int16Array | Uint16Array {
  const signed = profile.pixel.signed;
  const max = signed ? 32767 : (1 << profile.pixel.bitsStored) - 1;
  const out = signed ? new Int16Array(values.length) : new Uint16Array(values.length);
  const intercept = acq.rescaleIntercept;
  const inverseSlope = 1 / acq.rescaleSlope;
  for (let n = 0; n < values.length; n++) {
    // Values are clamped at 0, so truncating x + 0.5 rounds like Math.round.
    const s = (values[n] - intercept) * inverseSlope + 0.5;
    out[n] = s < 0 ? 0 : s > max ? max : s | 0;
  }
  return out;
}

/** Write one series, one MR Image Storage file per slice: <dir>/IM0001.dcm ... */
export function writeSeries(
  dir: string,
  study: StudyIdentity,
  profile: ScannerProfile,
  acq: SeriesAcquisition,
  g: SeriesGeometry,
  stored: Int16Array | Uint16Array,
  seriesNumber: number,
  seriesInstanceUid: string,
  window: { centre: number; width: number },
): void {
  mkdirSync(dir, { recursive: true });
  const [nx, ny, nz] = g.dims;
  const p = acq.protocol;
  const isIr = p.scanningSequence.includes('IR');
  const seriesTime = addMinutes(study.studyTime, acq.role === 't1' ? 2 : 6);
  for (let k = 0; k < nz; k++) {
    const sop = uidFromKey(`${study.uidKey}/${acq.role}/${k}`);
    const pos = slicePosition(g, k);
    const sliceLocation = pos[0] * g.normal[0] + pos[1] * g.normal[1] + pos[2] * g.normal[2];
    const d = new DicomDataset()
      .string(0x0008, 0x0005, 'CS', 'ISO_IR 100')
      .string(0x0008, 0x0008, 'CS', ['ORIGINAL', 'PRIMARY', 'OTHER'])
      .string(0x0008, 0x0016, 'UI', MR_IMAGE_STORAGE)
      .string(0x0008, 0x0018, 'UI', sop)
      .string(0x0008, 0x0020, 'DA', study.studyDate)
      .string(0x0008, 0x0021, 'DA', study.studyDate)
      .string(0x0008, 0x0022, 'DA', study.studyDate)
      .string(0x0008, 0x0023, 'DA', study.studyDate)
      .string(0x0008, 0x0030, 'TM', study.studyTime)
      .string(0x0008, 0x0031, 'TM', seriesTime)
      .string(0x0008, 0x0032, 'TM', seriesTime)
      .string(0x0008, 0x0033, 'TM', seriesTime)
      .string(0x0008, 0x0050, 'SH', study.accessionNumber)
      .string(0x0008, 0x0060, 'CS', 'MR')
      .string(0x0008, 0x0070, 'LO', profile.manufacturer)
      .string(0x0008, 0x0080, 'LO', study.institution)
      .string(0x0008, 0x0090, 'PN', '')
      .string(
        0x0008,
        0x1010,
        'SH',
        `MR${profile.model
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(0, 10)
          .toUpperCase()}`,
      )
      .string(0x0008, 0x1030, 'LO', 'MRI SACROILIAC JOINTS')
      .string(0x0008, 0x103e, 'LO', p.seriesDescription)
      .string(0x0008, 0x1090, 'LO', profile.model)
      .string(0x0010, 0x0010, 'PN', study.patientName)
      .string(0x0010, 0x0020, 'LO', study.patientId)
      .string(0x0010, 0x0030, 'DA', study.birthDate)
      .string(0x0010, 0x0040, 'CS', study.sex)
      .string(0x0010, 0x1010, 'AS', `${String(study.ageYears).padStart(3, '0')}Y`)
      .string(0x0018, 0x0015, 'CS', 'PELVIS')
      .string(0x0018, 0x0020, 'CS', p.scanningSequence.split('\\'))
      .string(0x0018, 0x0021, 'CS', p.sequenceVariant.split('\\'))
      .string(0x0018, 0x0022, 'CS', p.scanOptions.split('\\'))
      .string(0x0018, 0x0023, 'CS', '2D')
      .string(0x0018, 0x0024, 'SH', p.sequenceName)
      .string(0x0018, 0x0050, 'DS', ds(g.thickness))
      .string(0x0018, 0x0080, 'DS', ds(acq.tr))
      .string(0x0018, 0x0081, 'DS', ds(acq.te))
      .string(0x0018, 0x0083, 'DS', '1')
      .string(0x0018, 0x0084, 'DS', ds(profile.imagingFrequencyMHz))
      .string(0x0018, 0x0085, 'SH', '1H')
      .string(0x0018, 0x0086, 'IS', '1')
      .string(0x0018, 0x0087, 'DS', ds(profile.fieldStrengthT))
      .string(0x0018, 0x0088, 'DS', ds(g.spacing[2]))
      .string(0x0018, 0x0091, 'IS', acq.echoTrainLength)
      .string(0x0018, 0x0095, 'DS', ds(acq.pixelBandwidth))
      .string(0x0018, 0x1020, 'LO', profile.softwareVersions.split('\\'))
      .string(0x0018, 0x1030, 'LO', p.protocolName)
      .usMulti(0x0018, 0x1310, [0, acq.acquired.frequency, acq.acquired.phase, 0])
      .string(0x0018, 0x1312, 'CS', 'ROW')
      .string(0x0018, 0x1314, 'DS', ds(acq.flipAngle))
      .string(0x0018, 0x5100, 'CS', 'HFS')
      .string(0x0020, 0x000d, 'UI', study.studyInstanceUid)
      .string(0x0020, 0x000e, 'UI', seriesInstanceUid)
      .string(0x0020, 0x0010, 'SH', study.accessionNumber.slice(-8))
      .string(0x0020, 0x0011, 'IS', seriesNumber)
      .string(0x0020, 0x0012, 'IS', '1')
      .string(0x0020, 0x0013, 'IS', k + 1)
      .string(0x0020, 0x0032, 'DS', pos.map(ds))
      .string(
        0x0020,
        0x0037,
        'DS',
        [...g.row, ...g.col].map((x) => ds(Math.abs(x) < 1e-12 ? 0 : x)),
      )
      .string(0x0020, 0x0052, 'UI', study.frameOfReferenceUid)
      .string(0x0020, 0x1040, 'LO', '')
      .string(0x0020, 0x1041, 'DS', ds(sliceLocation))
      .us(0x0028, 0x0002, 1)
      .string(0x0028, 0x0004, 'CS', 'MONOCHROME2')
      .us(0x0028, 0x0010, ny)
      .us(0x0028, 0x0011, nx)
      .string(0x0028, 0x0030, 'DS', [ds(g.spacing[1]), ds(g.spacing[0])])
      .us(0x0028, 0x0100, 16)
      .us(0x0028, 0x0101, profile.pixel.bitsStored)
      .us(0x0028, 0x0102, profile.pixel.bitsStored - 1)
      .us(0x0028, 0x0103, profile.pixel.signed ? 1 : 0)
      .string(0x0028, 0x1050, 'DS', ds(Math.round(window.centre)))
      .string(0x0028, 0x1051, 'DS', ds(Math.round(window.width)));
    if (isIr && acq.ti !== undefined) d.string(0x0018, 0x0082, 'DS', ds(acq.ti));
    if (acq.writesRescale) {
      d.string(0x0028, 0x1052, 'DS', ds(acq.rescaleIntercept))
        .string(0x0028, 0x1053, 'DS', ds(acq.rescaleSlope))
        .string(0x0028, 0x1054, 'LO', 'US');
    }
    const plane = stored.subarray(nx * ny * k, nx * ny * (k + 1));
    d.ow(0x7fe0, 0x0010, Buffer.from(plane.buffer, plane.byteOffset, plane.byteLength));
    const file = path.join(dir, `IM${String(k + 1).padStart(4, '0')}.dcm`);
    writeFileSync(file, encodePart10(d, MR_IMAGE_STORAGE, sop));
  }
}

function addMinutes(time: string, minutes: number): string {
  const h = Number(time.slice(0, 2));
  const m = Number(time.slice(2, 4)) + minutes;
  return `${String((h + Math.floor(m / 60)) % 24).padStart(2, '0')}${String(m % 60).padStart(2, '0')}${time.slice(4)}`;
}

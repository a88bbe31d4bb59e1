import type { DataSet } from './dicom-parser';
import { firstItem, fdOrDs, num, nums, str, strings, us } from './attributes';
import { undecodableReason } from './codecs';
import { DicomReadError, type ParsedDicom } from './parse';
import { sopClassName } from './sop-classes';
import { Tag } from './tags';
import type { PixelFormat, SequenceParams, SliceRef, Vec3 } from './types';

/** What one readable image file contributes to the study tree. */
export interface ImageInstance {
  path: string;
  patientId: string;
  patientName: string;
  studyInstanceUid: string;
  studyDate: string;
  studyDescription: string;
  seriesInstanceUid: string;
  seriesNumber?: number;
  modality: string;
  sopClassUid: string;
  sequence: SequenceParams;
  slices: SliceRef[];
}

function vec3(values: number[] | undefined): Vec3 | undefined {
  return values && values.length >= 3 ? [values[0], values[1], values[2]] : undefined;
}

function orientation6(values: number[] | undefined): SliceRef['orientation'] {
  if (!values || values.length < 6) return undefined;
  const o = values.slice(0, 6) as NonNullable<SliceRef['orientation']>;
  const rowNorm = Math.hypot(o[0], o[1], o[2]);
  const colNorm = Math.hypot(o[3], o[4], o[5]);
  if (rowNorm < 1e-6 || colNorm < 1e-6) return undefined;
  // Cosines are often written with 6 decimals; renormalise so the affine stays orthonormal.
  return [o[0] / rowNorm, o[1] / rowNorm, o[2] / rowNorm, o[3] / colNorm, o[4] / colNorm, o[5] / colNorm];
}

function spacing2(values: number[] | undefined): [number, number] | undefined {
  return values && values.length >= 2 && values[0] > 0 && values[1] > 0 ? [values[0], values[1]] : undefined;
}

function pixelFormat(ds: DataSet, transferSyntax: string, path: string): PixelFormat {
  const rows = us(ds, Tag.Rows);
  const columns = us(ds, Tag.Columns);
  if (!rows || !columns) throw new DicomReadError('image without Rows/Columns');
  const sampleKind = ds.elements[Tag.PixelData]
    ? 'int'
    : ds.elements[Tag.FloatPixelData]
      ? 'float32'
      : 'float64';
  const bitsAllocated =
    us(ds, Tag.BitsAllocated) ?? (sampleKind === 'float64' ? 64 : sampleKind === 'float32' ? 32 : 0);
  if (![1, 8, 16, 32, 64].includes(bitsAllocated)) {
    throw new DicomReadError(`unsupported Bits Allocated ${bitsAllocated} in ${path}`);
  }
  const bitsStored = us(ds, Tag.BitsStored) ?? bitsAllocated;
  return {
    transferSyntax,
    rows,
    columns,
    bitsAllocated,
    bitsStored: bitsStored > 0 && bitsStored <= bitsAllocated ? bitsStored : bitsAllocated,
    pixelRepresentation: us(ds, Tag.PixelRepresentation) ?? 0,
    samplesPerPixel: us(ds, Tag.SamplesPerPixel) ?? 1,
    photometric: (str(ds, Tag.PhotometricInterpretation) ?? 'MONOCHROME2').toUpperCase(),
    planarConfiguration: us(ds, Tag.PlanarConfiguration) ?? 0,
    numberOfFrames: Math.max(1, num(ds, Tag.NumberOfFrames) ?? 1),
    sampleKind,
  };
}

/** Pixel layout of a parsed image (throws DicomReadError when it has none this reader can use). */
export function readPixelFormat(parsed: ParsedDicom, path: string): PixelFormat {
  return pixelFormat(parsed.dataSet, parsed.transferSyntax, path);
}

/** Per-frame value first, then the shared functional group, as PS3.3 C.7.6.16 resolves them. */
function functionalGroup(
  perFrame: DataSet | undefined,
  shared: DataSet | undefined,
  tag: string,
): DataSet | undefined {
  return firstItem(perFrame, tag) ?? firstItem(shared, tag);
}

function sequenceParams(
  ds: DataSet,
  shared: DataSet | undefined,
  firstFrame: DataSet | undefined,
): SequenceParams {
  const timing = functionalGroup(firstFrame, shared, Tag.MRTimingAndRelatedParametersSequence);
  const echo = functionalGroup(firstFrame, shared, Tag.MREchoSequence);
  const modifier = functionalGroup(firstFrame, shared, Tag.MRModifierSequence);
  const inversionRecovery =
    str(ds, Tag.InversionRecovery) ?? (modifier && str(modifier, Tag.InversionRecovery));
  return {
    manufacturer: str(ds, Tag.Manufacturer),
    seriesDescription: str(ds, Tag.SeriesDescription),
    protocolName: str(ds, Tag.ProtocolName),
    sequenceName: str(ds, Tag.SequenceName) ?? str(ds, Tag.PulseSequenceName),
    imageType: strings(ds, Tag.ImageType).map((s) => s.toUpperCase()),
    scanningSequence: strings(ds, Tag.ScanningSequence).map((s) => s.toUpperCase()),
    sequenceVariant: strings(ds, Tag.SequenceVariant).map((s) => s.toUpperCase()),
    scanOptions: strings(ds, Tag.ScanOptions).map((s) => s.toUpperCase()),
    repetitionTime: num(ds, Tag.RepetitionTime) ?? fdOrDs(timing, Tag.RepetitionTime),
    echoTime: num(ds, Tag.EchoTime) ?? fdOrDs(echo, Tag.EffectiveEchoTime),
    inversionTime: num(ds, Tag.InversionTime) ?? fdOrDs(modifier, Tag.InversionTimes),
    inversionRecovery:
      inversionRecovery === undefined ? undefined : inversionRecovery.toUpperCase() === 'YES',
    fatSuppression:
      str(ds, Tag.SpectrallySelectedSuppression) ??
      (modifier && str(modifier, Tag.SpectrallySelectedSuppression)),
    contrastBolusAgent: str(ds, Tag.ContrastBolusAgent),
    magneticFieldStrength: num(ds, Tag.MagneticFieldStrength),
  };
}

function rescaleOf(ds: DataSet | undefined): { slope?: number; intercept?: number } {
  if (!ds) return {};
  return { slope: num(ds, Tag.RescaleSlope), intercept: num(ds, Tag.RescaleIntercept) };
}

function enhancedSlices(
  ds: DataSet,
  path: string,
  sop: string,
  pixel: PixelFormat,
  shared: DataSet | undefined,
): SliceRef[] {
  const perFrame = ds.elements[Tag.PerFrameFunctionalGroupsSequence]?.items ?? [];
  // Extra items beyond Number of Frames are ignored; too few leave frames unplaced.
  if (perFrame.length < pixel.numberOfFrames) {
    throw new DicomReadError(
      `Per-frame Functional Groups has ${perFrame.length} items for ${pixel.numberOfFrames} frames`,
    );
  }
  const top = rescaleOf(ds);
  return perFrame.slice(0, pixel.numberOfFrames).map((item, frame) => {
    const fg = item.dataSet;
    const plane = functionalGroup(fg, shared, Tag.PlanePositionSequence);
    const orient = functionalGroup(fg, shared, Tag.PlaneOrientationSequence);
    const measures = functionalGroup(fg, shared, Tag.PixelMeasuresSequence);
    const rescale = rescaleOf(functionalGroup(fg, shared, Tag.PixelValueTransformationSequence));
    const echo = functionalGroup(fg, shared, Tag.MREchoSequence);
    return {
      path,
      frame,
      sopInstanceUid: sop,
      instanceNumber: frame + 1,
      position: plane && vec3(nums(plane, Tag.ImagePositionPatient)),
      orientation: orient && orientation6(nums(orient, Tag.ImageOrientationPatient)),
      pixelSpacing: measures && spacing2(nums(measures, Tag.PixelSpacing)),
      rescaleSlope: rescale.slope ?? top.slope ?? 1,
      rescaleIntercept: rescale.intercept ?? top.intercept ?? 0,
      echo: echo ? fdOrDs(echo, Tag.EffectiveEchoTime) : undefined,
      pixel,
    };
  });
}

/**
 * Reads what grouping and volume building need from an image's header. Non-image objects and
 * images this reader cannot place in space throw a DicomReadError naming the reason.
 */
export function readImageInstance(parsed: ParsedDicom, path: string): ImageInstance {
  const ds = parsed.dataSet;
  const sopClassUid = str(ds, Tag.SOPClassUID) ?? str(ds, Tag.MediaStorageSOPClassUID) ?? '';
  const hasPixels = Boolean(
    ds.elements[Tag.PixelData] ?? ds.elements[Tag.FloatPixelData] ?? ds.elements[Tag.DoubleFloatPixelData],
  );
  if (!hasPixels) throw new DicomReadError(`not an image: ${sopClassName(sopClassUid)} has no pixel data`);
  const sop = str(ds, Tag.SOPInstanceUID);
  const studyUid = str(ds, Tag.StudyInstanceUID);
  const seriesUid = str(ds, Tag.SeriesInstanceUID);
  if (!sop || !studyUid || !seriesUid) {
    throw new DicomReadError('missing SOP/Study/Series Instance UID: cannot place the image in a study');
  }
  const pixel = pixelFormat(ds, parsed.transferSyntax, path);
  const undecodable = undecodableReason(pixel);
  if (undecodable) throw new DicomReadError(undecodable);
  const imageType = strings(ds, Tag.ImageType).map((s) => s.toUpperCase());
  const mosaicCount =
    num(ds, Tag.SiemensNumberOfImagesInMosaic) ??
    (ds.elements[Tag.SiemensNumberOfImagesInMosaic]
      ? ds.uint16(Tag.SiemensNumberOfImagesInMosaic)
      : undefined);
  if (imageType.includes('MOSAIC')) {
    throw new DicomReadError(
      `Siemens mosaic${mosaicCount ? ` of ${mosaicCount} images` : ''} is not supported: unpacking needs slice positions from the private CSA header`,
    );
  }
  const shared = firstItem(ds, Tag.SharedFunctionalGroupsSequence);
  const perFrameFirst = ds.elements[Tag.PerFrameFunctionalGroupsSequence]?.items?.[0]?.dataSet;
  let slices: SliceRef[];
  if (ds.elements[Tag.PerFrameFunctionalGroupsSequence]) {
    slices = enhancedSlices(ds, path, sop, pixel, shared);
  } else {
    const base: SliceRef = {
      path,
      frame: 0,
      sopInstanceUid: sop,
      instanceNumber: num(ds, Tag.InstanceNumber),
      position: vec3(nums(ds, Tag.ImagePositionPatient)),
      orientation: orientation6(nums(ds, Tag.ImageOrientationPatient)),
      pixelSpacing: spacing2(nums(ds, Tag.PixelSpacing)),
      rescaleSlope: num(ds, Tag.RescaleSlope) ?? 1,
      rescaleIntercept: num(ds, Tag.RescaleIntercept) ?? 0,
      echo: num(ds, Tag.EchoNumbers),
      temporalPosition: num(ds, Tag.TemporalPositionIdentifier),
      pixel,
    };
    // Classic multi-frame without functional groups: the header's position is the first
    // frame's; where the others lie is not recorded, so they get none.
    slices = Array.from({ length: pixel.numberOfFrames }, (_, frame) =>
      frame === 0 ? base : { ...base, frame, position: undefined },
    );
  }
  return {
    path,
    patientId: str(ds, Tag.PatientID) ?? '',
    patientName: str(ds, Tag.PatientName) ?? '',
    studyInstanceUid: studyUid,
    studyDate: str(ds, Tag.StudyDate) ?? '',
    studyDescription: str(ds, Tag.StudyDescription) ?? '',
    seriesInstanceUid: seriesUid,
    seriesNumber: num(ds, Tag.SeriesNumber),
    modality: str(ds, Tag.Modality) ?? '',
    sopClassUid,
    sequence: sequenceParams(ds, shared, perFrameFirst),
    slices,
  };
}

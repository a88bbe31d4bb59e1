import type { DataSet } from './dicom-parser';

/** Trimmed string value, or undefined when absent or empty. */
export function str(ds: DataSet, tag: string, index?: number): string | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const s = ds.string(tag, index);
  return s === undefined || s === '' ? undefined : s;
}

/** All values of a multi-valued string (CS, DS, IS ...), each trimmed; [] when absent. */
export function strings(ds: DataSet, tag: string): string[] {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return [];
  const whole = ds.string(tag);
  if (whole === undefined) return [];
  return whole.split('\\').map((s) => s.trim());
}

/**
 * Decimal or integer string as a number. Empty strings, blanks and unparsable values are
 * undefined rather than NaN or 0, so callers choose the default explicitly.
 */
export function num(ds: DataSet, tag: string, index = 0): number | undefined {
  const values = strings(ds, tag);
  const v = values[index];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function nums(ds: DataSet, tag: string): number[] | undefined {
  const values = strings(ds, tag);
  if (values.length === 0) return undefined;
  const out = values.map(Number);
  return out.every(Number.isFinite) ? out : undefined;
}

/** US value (binary, either byte order as the data set's parser knows it). */
export function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2) return undefined;
  return ds.uint16(tag);
}

/** The first item's data set of a sequence, if any. */
export function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** A binary float (FD) or, failing that, a decimal string; enhanced objects use FD where classic ones use DS. */
export function fdOrDs(ds: DataSet | undefined, tag: string): number | undefined {
  if (!ds) return undefined;
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  if (el.vr === 'FD' && el.length >= 8) return ds.double(tag);
  if (el.vr === 'FL' && el.length >= 4) return ds.float(tag);
  return num(ds, tag);
}

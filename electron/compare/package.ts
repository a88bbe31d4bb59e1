import { createHash } from 'node:crypto';
import { importReadingJson, parseReading, READING_EXPORT_SCHEMA, type Reading } from '../reading';
import { readReadingSr } from './srPackage';

/**
 * A reading package is what another workstation exported: electron/reading's JSON export
 * (sij-reading-export/1: the reading plus its scores, which are re-checked against the grid), a bare
 * sij-reading/1 document, or an array of either. Only signed readings travel: a draft is still its
 * author's to change.
 */
export interface PackagedReading {
  reading: Reading;
  /** where it came from, e.g. `pkg.json` or `pkg.json [2]` */
  source: string;
  /** sha256 of the reading's canonical JSON: re-importing the same content is recognised */
  sha256: string;
  /** the export said its UIDs and names were pseudonymised: it will not match a local exam */
  deidentified: boolean;
}

export class PackageError extends Error {}

export function readingDigest(r: Reading): string {
  return createHash('sha256').update(JSON.stringify(r)).digest('hex');
}

function isExportEnvelope(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { schema?: unknown }).schema === READING_EXPORT_SCHEMA;
}

/** Parses package text; every problem names the file (and the entry, for arrays) and the field. */
export function parseReadingPackage(text: string, file: string): PackagedReading[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PackageError(`${file}: not JSON (${(err as Error).message})`);
  }
  const entries = Array.isArray(value)
    ? value.map((v, i) => [v, `${file} [${i}]`] as const)
    : [[value, file] as const];
  if (entries.length === 0) throw new PackageError(`${file}: the package holds no readings`);
  return entries.map(([v, source]) => {
    try {
      if (isExportEnvelope(v)) {
        const exported = importReadingJson(JSON.stringify(v), source);
        return packaged(exported.reading, source, exported.deidentified);
      }
      return packaged(parseReading(v, source), source, false);
    } catch (err) {
      throw err instanceof PackageError ? err : new PackageError((err as Error).message);
    }
  });
}

function packaged(reading: Reading, source: string, deidentified: boolean): PackagedReading {
  if (reading.status !== 'signed')
    throw new PackageError(
      `${source}: reading ${reading.readingId} v${reading.version} is a draft; only signed readings can be imported`,
    );
  return { reading, source, sha256: readingDigest(reading), deidentified };
}

/** DICOM Part 10: 128-byte preamble, then "DICM". */
function isDicomFile(bytes: Uint8Array): boolean {
  return bytes.length > 132 && new TextDecoder().decode(bytes.subarray(128, 132)) === 'DICM';
}

/** Package bytes: a DICOM SR export or JSON text, told apart by the DICOM preamble. */
export function parsePackageBytes(bytes: Uint8Array, file: string): PackagedReading[] {
  if (!isDicomFile(bytes)) return parseReadingPackage(new TextDecoder().decode(bytes), file);
  try {
    const exported = readReadingSr(bytes, file);
    return [packaged(exported.reading, file, exported.deidentified)];
  } catch (err) {
    throw err instanceof PackageError ? err : new PackageError((err as Error).message);
  }
}

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { strings } from './attributes';
import { resolveReferencedFile, listFiles } from './files';
import { groupInstances } from './group';
import { readImageInstance, type ImageInstance } from './header';
import { DicomReadError, parseDicomBytes, type ParsedDicom } from './parse';
import { Tag } from './tags';
import type { ScanResult, SkippedFile } from './types';

function reasonOf(err: unknown): string {
  if (err instanceof DicomReadError) return err.message;
  if (err && typeof err === 'object' && 'code' in err)
    return `cannot read: ${(err as NodeJS.ErrnoException).code}`;
  return `unreadable: ${err instanceof Error ? err.message : String(err)}`;
}

/** Most headers fit here; pixel data need not be read to index a file. */
const HEADER_CHUNK = 64 * 1024;

/**
 * Parses a file for indexing. Large files are parsed from their first 64 KiB up to the pixel
 * data element (whose declared length is checked against the file size, so truncation is still
 * caught); anything unusual (long headers, deflate, encapsulated undefined lengths) falls back
 * to reading the whole file.
 */
function parseForScan(file: string, head: Buffer): ParsedDicom {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > HEADER_CHUNK * 2) {
      readSync(fd, head, 0, HEADER_CHUNK, 0);
      let parsed: ParsedDicom | undefined;
      try {
        parsed = parseDicomBytes(head, { headerOnly: true });
      } catch {
        parsed = undefined;
      }
      const pixels = parsed?.dataSet.elements[Tag.PixelData];
      if (parsed && pixels && !pixels.hadUndefinedLength) {
        if (pixels.dataOffset + pixels.length > size) {
          throw new DicomReadError(
            `truncated: pixel data needs ${pixels.length} bytes, the file ends ${size - pixels.dataOffset} bytes into it`,
          );
        }
        return parsed;
      }
    }
    const whole = Buffer.allocUnsafe(size);
    readSync(fd, whole, 0, size, 0);
    return parseDicomBytes(whole);
  } finally {
    closeSync(fd);
  }
}

/** Files a DICOMDIR points to; the ones that do not exist are reported, not fatal. */
function dicomdirReferences(dirPath: string, parsed: ParsedDicom, skipped: SkippedFile[]): string[] {
  const out: string[] = [];
  for (const record of parsed.dataSet.elements[Tag.DirectoryRecordSequence]?.items ?? []) {
    const ds = record.dataSet;
    if (!ds) continue;
    const components = strings(ds, Tag.ReferencedFileID).filter(Boolean);
    if (components.length === 0) continue;
    const resolved = resolveReferencedFile(dirPath, components);
    if (resolved) out.push(resolved);
    else
      skipped.push({
        path: `${dirPath} -> ${components.join('/')}`,
        reason: 'DICOMDIR references a missing file',
      });
  }
  return out;
}

/**
 * Reads every file under `paths` (folders recursively, DICOMDIRs followed), never trusting
 * extensions and never modifying anything. Each unreadable file becomes one `skipped` entry
 * naming the reason; nothing here throws for bad input.
 */
export function scanPaths(
  paths: string[],
  /** Called after each file, with the files done and the total known so far (progress). */
  onFile?: (filesDone: number, filesTotal: number, file: string) => void,
): ScanResult {
  const { files, missing } = listFiles(paths);
  const skipped: SkippedFile[] = [...missing];
  const instances: ImageInstance[] = [];
  const queued = new Set(files);
  const queue = [...files];
  let read = 0;
  // One header buffer for all files: what is kept from a header is copied out of it (strings,
  // numbers) before the next file is read.
  const head = Buffer.allocUnsafeSlow(HEADER_CHUNK);
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    try {
      const parsed = parseForScan(file, head);
      if (parsed.dataSet.elements[Tag.DirectoryRecordSequence]) {
        read += 1;
        for (const ref of dicomdirReferences(file, parsed, skipped)) {
          if (!queued.has(ref)) {
            queued.add(ref);
            queue.push(ref);
          }
        }
        continue;
      }
      instances.push(readImageInstance(parsed, file));
      read += 1;
    } catch (err) {
      skipped.push({ path: file, reason: reasonOf(err) });
    }
    onFile?.(i + 1, queue.length, file);
  }
  const { studies, duplicates } = groupInstances(instances);
  // A duplicate was read but not used: it counts as skipped, not read.
  return { studies, files: { read: read - duplicates.length, skipped: [...skipped, ...duplicates] } };
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Reading } from './schema';

/**
 * A fingerprint of the exam's image files: sha256 over the sorted per-file hashes. Independent of
 * file order and location, changed by any edit of any pixel or header.
 */
export function examFingerprint(fileHashes: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of [...fileHashes].sort()) h.update(f + '\n');
  return h.digest('hex');
}

export async function sha256OfFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function fingerprintFiles(files: readonly string[]): Promise<string> {
  const hashes: string[] = [];
  for (const f of files) hashes.push(await sha256OfFile(f));
  return examFingerprint(hashes);
}

/** The warning to show when the images on disk are not the ones the reading was made on. */
export function imageChangeWarning(
  r: Pick<Reading, 'exam' | 'readingId' | 'version'>,
  currentFingerprint: string,
): string | null {
  if (r.exam.imageHash === null) return null;
  if (r.exam.imageHash === currentFingerprint) return null;
  return (
    `The images of study ${r.exam.studyInstanceUid} changed since reading ${r.readingId} v${r.version} was made ` +
    `(fingerprint ${r.exam.imageHash.slice(0, 12)}… then, ${currentFingerprint.slice(0, 12)}… now). ` +
    'Check the series before relying on this reading.'
  );
}

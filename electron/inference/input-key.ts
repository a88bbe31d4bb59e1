import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DicomStack } from '../dicom';

/**
 * The identity of an exam's model input: sha256 over the bytes of every file of the chosen T1 and
 * STIR stacks, in stack order. Same files -> same key, whatever their paths; one changed byte or
 * a different stack choice -> a new key.
 */
export function inputKey(stacks: { t1: DicomStack; stir: DicomStack }): string {
  const outer = createHash('sha256');
  for (const role of ['t1', 'stir'] as const) {
    outer.update(`${role}\n`);
    const files = [...new Set(stacks[role].slices.map((s) => s.path))];
    for (const file of files) {
      outer.update(createHash('sha256').update(readFileSync(file)).digest('hex') + '\n');
    }
  }
  return outer.digest('hex');
}

/** Cache key of a result: the input and the exact model (its manifest pins every file's hash). */
export function resultKey(input: string, modelSha256: string): string {
  return createHash('sha256').update(`${input}\n${modelSha256}`).digest('hex');
}

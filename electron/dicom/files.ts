import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SkippedFile } from './types';

/**
 * Every regular file under the given paths (folders recursively), each once, in a stable order.
 * A file or folder reached twice (symbolic or hard links) is recognised by its device and inode
 * from the stat already taken, not by resolving its real path (one lstat per path component).
 */
export function listFiles(paths: string[]): { files: string[]; missing: SkippedFile[] } {
  const files: string[] = [];
  const missing: SkippedFile[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const visit = (p: string): void => {
    let stat;
    try {
      // bigint: inode numbers may exceed 2^53
      stat = statSync(p, { bigint: true });
    } catch (err) {
      missing.push({ path: p, reason: `cannot open: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      return;
    }
    const identity = `${stat.dev}:${stat.ino}`;
    if (stat.isDirectory()) {
      if (seenDirs.has(identity)) return;
      seenDirs.add(identity);
      let entries: string[];
      try {
        entries = readdirSync(p).sort();
      } catch (err) {
        missing.push({
          path: p,
          reason: `cannot list folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        });
        return;
      }
      for (const e of entries) visit(path.join(p, e));
    } else if (stat.isFile()) {
      if (seenFiles.has(identity)) return;
      seenFiles.add(identity);
      files.push(p);
    }
  };
  for (const p of paths) visit(p);
  return { files, missing };
}

/**
 * Resolves a DICOMDIR Referenced File ID (components, upper case by convention) on a file
 * system that may have stored the names in another case.
 */
export function resolveReferencedFile(dicomdirPath: string, components: string[]): string | undefined {
  let current = path.dirname(dicomdirPath);
  for (const part of components) {
    const exact = path.join(current, part);
    if (existsSync(exact)) {
      current = exact;
      continue;
    }
    let match: string | undefined;
    try {
      match = readdirSync(current).find((e) => e.toLowerCase() === part.toLowerCase());
    } catch {
      return undefined;
    }
    if (!match) return undefined;
    current = path.join(current, match);
  }
  return current;
}

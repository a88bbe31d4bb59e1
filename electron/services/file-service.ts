import {
  mkdirSync,
  openSync,
  closeSync,
  writeSync,
  statSync,
  realpathSync,
  readdirSync,
  existsSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, type Handlers } from '../api';

type FileHandlers = Pick<Handlers, 'files.roots' | 'files.browse' | 'files.upload'>;

/** Where dropped files land: <data dir>/imports/<uploadId>/. */
export function uploadFolder(dataDir: string): string {
  return path.join(dataDir, 'imports');
}

/**
 * The roots the folder chooser may browse: the user's home folder, the import folder and the
 * folders named in SIJ_BROWSE_ROOTS (path-delimiter separated), or `configured` when given.
 */
export function browseRoots(dataDir: string, configured?: string[]): string[] {
  const fromEnv = (process.env.SIJ_BROWSE_ROOTS ?? '').split(path.delimiter).filter(Boolean);
  const wanted = configured ?? [os.homedir(), ...fromEnv];
  const roots = [...wanted, uploadFolder(dataDir)].filter((r) => existsSync(r)).map((r) => realpathSync(r));
  return [...new Set(roots)];
}

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A relative upload path made safe: no '..', no absolute parts, no control characters. */
export function safeUploadPath(relative: string): string[] {
  const parts = relative.split('/');
  const bad = parts.find(
    (p) =>
      p === '' ||
      p === '.' ||
      p === '..' ||
      /[\\:]/.test(p) ||
      [...p].some((c) => c.charCodeAt(0) < 32) ||
      p.length > 255,
  );
  if (bad !== undefined || parts.length > 32) {
    throw new ApiError('bad_request', `The dropped file name '${relative}' cannot be stored; rename it.`);
  }
  return parts;
}

export function fileHandlers(dataDir: string, configuredRoots?: string[]): FileHandlers {
  const roots = () => browseRoots(dataDir, configuredRoots);
  return {
    async 'files.roots'() {
      mkdirSync(uploadFolder(dataDir), { recursive: true });
      return roots().map((r) => ({
        name: r === realpathSync(uploadFolder(dataDir)) ? 'Imported by drag and drop' : r,
        path: r,
      }));
    },
    async 'files.browse'({ path: wanted }) {
      let real: string;
      try {
        real = realpathSync(path.resolve(wanted));
      } catch {
        throw new ApiError('not_found', `${wanted} does not exist (any more). Choose another folder.`);
      }
      const root = roots().find((r) => inside(r, real));
      if (!root) {
        throw new ApiError(
          'bad_request',
          `${wanted} is outside the folders this host may browse. Start from one of the listed places, or set SIJ_BROWSE_ROOTS.`,
        );
      }
      let entries;
      try {
        entries = readdirSync(real, { withFileTypes: true });
      } catch (err) {
        throw new ApiError(
          'unreadable',
          `${real} cannot be listed (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check its permissions.`,
        );
      }
      const visible = entries.filter((e) => !e.name.startsWith('.'));
      return {
        path: real,
        root,
        parent: real === root ? null : path.dirname(real),
        folders: visible
          .filter((e) => e.isDirectory())
          .map((e) => ({ name: e.name, path: path.join(real, e.name) }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        files: visible.filter((e) => e.isFile()).length,
      };
    },
    async 'files.upload'({ uploadId, path: relative, offset, data }) {
      const folder = path.join(uploadFolder(dataDir), uploadId);
      const file = path.join(folder, ...safeUploadPath(relative));
      mkdirSync(path.dirname(file), { recursive: true });
      const size = existsSync(file) ? statSync(file).size : 0;
      if (offset !== (offset === 0 ? 0 : size)) {
        throw new ApiError('bad_request', `Upload of ${relative} is out of order (expected offset ${size}).`);
      }
      const bytes = Buffer.from(data, 'base64');
      // The first chunk truncates, so dropping the same file again replaces it.
      const fd = openSync(file, offset === 0 ? 'w' : 'a');
      try {
        writeSync(fd, bytes);
      } finally {
        closeSync(fd);
      }
      return { folder, bytes: offset + bytes.length };
    },
  };
}

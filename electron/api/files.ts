import { z } from 'zod';
import { method } from './contract';

/**
 * Import in the browser (loopback) mode, where there is no native dialog and a dropped file has
 * no path: a folder chooser over the host's allowed roots (directory names and file counts only,
 * never file contents) and uploads into the host's import folder in the data directory.
 */

const folderSchema = z.object({ name: z.string(), path: z.string() });

export const folderListingSchema = z.object({
  path: z.string(),
  /** The allowed root this folder lies in. */
  root: z.string(),
  /** null at a root: the chooser never leaves the allowed roots. */
  parent: z.string().nullable(),
  folders: z.array(folderSchema),
  /** Plain files directly in this folder (their names are not listed). */
  files: z.number().int().nonnegative(),
});
export type FolderListing = z.infer<typeof folderListingSchema>;

/** Upload chunks stay under the WebSocket's 1 MiB message limit once base64-encoded. */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

export const methods = {
  'files.roots': method(
    z.object({}).strict(),
    z.array(folderSchema),
    'The folders the host lets the chooser browse (home, the import folder, configured roots).',
  ),
  'files.browse': method(
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    folderListingSchema,
    'Sub-folders and the number of files of one folder under an allowed root.',
  ),
  'files.upload': method(
    z
      .object({
        /** Chosen by the page per drop; the files land in <data dir>/imports/<uploadId>/. */
        uploadId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
        /** Path inside the upload, '/'-separated, as the dropped folder had it. */
        path: z.string().min(1).max(1024),
        offset: z.number().int().nonnegative(),
        /** base64 of at most UPLOAD_CHUNK_BYTES bytes. */
        data: z.string().max(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4),
      })
      .strict(),
    z.object({ folder: z.string(), bytes: z.number().int() }),
    'Writes one chunk of a dropped file into the import folder; returns the folder to import.',
  ),
};

export const events = {};

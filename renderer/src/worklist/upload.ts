import { UPLOAD_CHUNK_BYTES, type ApiClient } from '../../../electron/api';

/** A dropped file with its path inside what was dropped ('exam/T1/IM0001.dcm'). */
export interface DroppedFile {
  file: File;
  path: string;
}

export interface UploadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ file, path });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in batches until it returns none.
    for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader))
      for (const child of batch) await walk(child, path, out);
  }
}

/**
 * The files of a browser drop, folders walked recursively. The entries must be taken while the
 * drop event is being handled, so this is called synchronously from the handler.
 */
export function droppedFiles(data: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...data.items]
    .map((item) => item.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  // Loose files (no entries, as from a script): same-named files must not overwrite each other.
  const seen = new Map<string, number>();
  const loose = entries.length
    ? []
    : [...data.files].map((file) => {
        const n = seen.get(file.name) ?? 0;
        seen.set(file.name, n + 1);
        return { file, path: n ? `${n}-${file.name}` : file.name };
      });
  return (async () => {
    const out: DroppedFile[] = [...loose];
    for (const entry of entries) await walk(entry, '', out);
    return out;
  })();
}

function base64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });
}

/** A fresh id per drop: the host keeps each drop in a folder of its own. */
export function newUploadId(): string {
  return crypto.randomUUID();
}

/**
 * Sends the files to the host's import folder in chunks through the API and returns the folder
 * they landed in (to be imported like any other).
 */
export async function uploadFiles(
  api: ApiClient,
  files: DroppedFile[],
  onProgress: (p: UploadProgress) => void,
  uploadId = newUploadId(),
): Promise<string> {
  const bytesTotal = files.reduce((n, f) => n + f.file.size, 0);
  let bytesDone = 0;
  let folder = '';
  for (const [i, { file, path }] of files.entries()) {
    let offset = 0;
    do {
      const chunk = file.slice(offset, offset + UPLOAD_CHUNK_BYTES);
      const reply = await api.call('files.upload', { uploadId, path, offset, data: await base64(chunk) });
      folder = reply.folder;
      offset += chunk.size;
      bytesDone += chunk.size;
      onProgress({ filesDone: i, filesTotal: files.length, bytesDone, bytesTotal });
    } while (offset < file.size);
    onProgress({ filesDone: i + 1, filesTotal: files.length, bytesDone, bytesTotal });
  }
  return folder;
}

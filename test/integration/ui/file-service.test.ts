import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, UPLOAD_CHUNK_BYTES, type Dispatcher } from '../../../electron/api';
import { createServices, type StudyCatalog } from '../../../electron/services';

// The browser-mode folder chooser lists only folders under the allowed roots and never file
// contents; uploads land only inside <data dir>/imports/<uploadId>/.
let dir: string;
let allowed: string;
let dataDir: string;
let dispatch: Dispatcher;
let close: () => void;

const catalog: StudyCatalog = {
  list: async () => [],
  importPaths: async () => ({ studies: [], filesRead: 0, skipped: [] }),
  loadStack: async () => {
    throw new Error('unused');
  },
  findStudy: () => null,
  localExams: () => [],
};

async function call(method: string, params: unknown) {
  return (await dispatch({ id: 1, method, params })) as {
    result?: Record<string, unknown>;
    error?: { code: string; message: string };
  };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-files-'));
  allowed = path.join(dir, 'exams');
  mkdirSync(path.join(allowed, 'b-exam', 'T1'), { recursive: true });
  mkdirSync(path.join(allowed, 'a-exam'), { recursive: true });
  mkdirSync(path.join(allowed, '.hidden'), { recursive: true });
  writeFileSync(path.join(allowed, 'b-exam', 'T1', 'IM1'), 'x');
  writeFileSync(path.join(allowed, 'b-exam', 'notes.txt'), 'x');
  writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  symlinkSync(dir, path.join(allowed, 'escape'));
  dataDir = path.join(dir, 'data');
  const services = createServices({
    catalog,
    engine: null,
    info: { version: 't', transport: 'loopback', dataDir, openOnStart: null },
    browseRoots: [allowed],
  });
  dispatch = createDispatcher(services.handlers);
  close = services.close;
});
afterAll(() => {
  close();
  rmSync(dir, { recursive: true, force: true });
});

describe('folder chooser', () => {
  it('lists the allowed root and the import folder', async () => {
    const { result } = await call('files.roots', {});
    expect(result).toEqual([
      { name: allowed, path: allowed },
      { name: 'Imported by drag and drop', path: path.join(dataDir, 'imports') },
    ]);
  });

  it('lists sub-folders by name (hidden ones and symlinks left out) and counts files', async () => {
    const root = (await call('files.browse', { path: allowed })).result!;
    expect(root).toEqual({
      path: allowed,
      root: allowed,
      parent: null,
      folders: [
        { name: 'a-exam', path: path.join(allowed, 'a-exam') },
        { name: 'b-exam', path: path.join(allowed, 'b-exam') },
      ],
      files: 0,
    });
    const exam = (await call('files.browse', { path: path.join(allowed, 'b-exam') })).result!;
    expect(exam).toMatchObject({ parent: allowed, files: 1, folders: [{ name: 'T1' }] });
  });

  it('refuses folders outside the roots, also through .. and symlinks, naming the way out', async () => {
    for (const p of [dir, path.join(allowed, '..'), path.join(allowed, 'escape'), '/']) {
      const { error } = await call('files.browse', { path: p });
      expect(error?.code, p).toBe('bad_request');
      expect(error?.message).toContain('outside the folders this host may browse');
    }
    const { error } = await call('files.browse', { path: path.join(allowed, 'nope') });
    expect(error).toMatchObject({ code: 'not_found' });
  });
});

describe('upload', () => {
  const id = 'drop-0001-abcd';
  it('writes chunks in order into imports/<id>/<path> and returns that folder', async () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const first = await call('files.upload', {
      uploadId: id,
      path: 'exam/T1/IM0001.dcm',
      offset: 0,
      data: bytes.subarray(0, 600).toString('base64'),
    });
    expect(first.result).toEqual({ folder: path.join(dataDir, 'imports', id), bytes: 600 });
    const second = await call('files.upload', {
      uploadId: id,
      path: 'exam/T1/IM0001.dcm',
      offset: 600,
      data: bytes.subarray(600).toString('base64'),
    });
    expect(second.result).toMatchObject({ bytes: 1000 });
    expect(readFileSync(path.join(dataDir, 'imports', id, 'exam', 'T1', 'IM0001.dcm'))).toEqual(bytes);
    const gap = await call('files.upload', {
      uploadId: id,
      path: 'exam/T1/IM0001.dcm',
      offset: 5000,
      data: '',
    });
    expect(gap.error?.message).toContain('out of order (expected offset 1000)');
  });

  it('refuses paths that would leave the upload folder and oversized chunks', async () => {
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a\\..\\b', 'c:x', 'a/./b']) {
      const { error } = await call('files.upload', { uploadId: id, path: bad, offset: 0, data: '' });
      expect(error?.code, bad).toBe('bad_request');
    }
    const tooBig = Buffer.alloc(UPLOAD_CHUNK_BYTES + 3).toString('base64');
    const { error } = await call('files.upload', { uploadId: id, path: 'x', offset: 0, data: tooBig });
    expect(error?.message).toContain('Invalid parameters for files.upload');
    const badId = await call('files.upload', { uploadId: '../../x', path: 'x', offset: 0, data: '' });
    expect(badId.error?.code).toBe('bad_request');
  });
});

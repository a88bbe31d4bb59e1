import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/api';
import {
  READING_SETTINGS_FILE,
  exportReadingJson,
  importReadingJson,
  parseReading,
  readingHandlers,
} from '../../../electron/reading';
import { openStore, STORE_FILE } from '../../../electron/store';
import { modelResult, scannedStudy } from './scannedStudy';

/**
 * The reader's blinded-by-default setting (profile folder, typed API) and the quadrant frame
 * (joint axes) saved with the reading: restored on reopening, audited, exported, amended.
 */

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const imageDir = tmp('sij-frame-img-');
const studyOf = (uid: string) => scannedStudy(uid, imageDir).study;

/** The API as a client sees it: zod-validated params and results through the dispatcher. */
function workstation() {
  const dataDir = tmp('sij-frame-data-');
  writeFileSync(path.join(dataDir, 'reader.json'), JSON.stringify({ id: 'u-7', name: 'Dr. Frame' }));
  const db = openStore(path.join(dataDir, STORE_FILE));
  const handlers = readingHandlers({
    db,
    dataDir,
    findStudy: async (uid) => studyOf(uid),
    modelResult: async () => modelResult,
  });
  const dispatch = createDispatcher(handlers as never);
  let n = 0;
  const call = async <T>(method: string, params: unknown): Promise<T> => {
    const res = (await dispatch({ id: ++n, method, params } as never)) as {
      result?: T;
      error?: { message: string };
    };
    if (res.error) throw new Error(res.error.message);
    return res.result as T;
  };
  return { dataDir, call };
}

interface State {
  reading: {
    readingId: string;
    blinded: boolean;
    model: unknown;
    jointAxes?: unknown;
    judgements: Record<string, { answer: string | null; unassisted: unknown }>;
  };
}

describe('reading settings: blinded by default', () => {
  it('defaults to unblinded, round-trips through the API into the profile folder, and new readings follow it', async () => {
    const ws = workstation();
    expect(await ws.call('reading.settings', {})).toEqual({ blindedByDefault: false });
    const plain = await ws.call<State>('reading.open', { studyInstanceUid: '1.9.1' });
    expect(plain.reading.blinded).toBe(false);
    expect(plain.reading.judgements.active_inflammation.answer).toBe('yes'); // pre-filled: 0.9 >= 0.5

    expect(await ws.call('reading.updateSettings', { blindedByDefault: true })).toEqual({
      blindedByDefault: true,
    });
    // Stored where the reader profile lives, as plain JSON another tool can read.
    expect(JSON.parse(readFileSync(path.join(ws.dataDir, READING_SETTINGS_FILE), 'utf8'))).toEqual({
      blindedByDefault: true,
    });
    expect(await ws.call('reading.settings', {})).toEqual({ blindedByDefault: true });

    // find never creates; open then creates blinded: no model, no pre-fill.
    expect(await ws.call('reading.find', { studyInstanceUid: '1.9.2' })).toBeNull();
    const blind = await ws.call<State>('reading.open', { studyInstanceUid: '1.9.2' });
    expect(blind.reading.blinded).toBe(true);
    expect(blind.reading.model).toBeNull();
    expect(blind.reading.judgements.active_inflammation.answer).toBeNull();
    expect((await ws.call<State>('reading.find', { studyInstanceUid: '1.9.2' })).reading.readingId).toBe(
      blind.reading.readingId,
    );
    // The per-reading choice wins over the setting.
    const chosen = await ws.call<State>('reading.open', { studyInstanceUid: '1.9.3', blinded: false });
    expect(chosen.reading.blinded).toBe(false);
    // An existing reading keeps what it was started as.
    await ws.call('reading.updateSettings', { blindedByDefault: false });
    expect((await ws.call<State>('reading.open', { studyInstanceUid: '1.9.2' })).reading.blinded).toBe(true);
  });

  it('refuses a malformed change and names a damaged settings file', async () => {
    const ws = workstation();
    await expect(ws.call('reading.updateSettings', { blindedByDefault: 'yes' })).rejects.toThrow(
      /blindedByDefault/,
    );
    await expect(ws.call('reading.updateSettings', { colour: 'red' })).rejects.toThrow();
    writeFileSync(path.join(ws.dataDir, READING_SETTINGS_FILE), '{"blindedByDefault": tru');
    await expect(ws.call('reading.settings', {})).rejects.toThrow(
      new RegExp(`${READING_SETTINGS_FILE}: not JSON`),
    );
    // A reading is not started on a guess while the setting cannot be read.
    await expect(ws.call('reading.open', { studyInstanceUid: '1.9.4' })).rejects.toThrow(
      READING_SETTINGS_FILE,
    );
  });
});

describe('the quadrant frame (joint axes) is part of the reading', () => {
  // A frame written out by hand: left joint 40 mm to the patient's left of the origin, its line
  // turned 20 degrees from the head direction (sin 20 = 0.34202, cos 20 = 0.93969), 28 mm half
  // height; right joint mirrored, 31.5 mm.
  const axes = {
    left: { centre: [40, 12.5, -3], up: [0.34202, 0, 0.93969], halfHeightMm: 28 },
    right: { centre: [-41, 12.5, -3], up: [-0.34202, 0, 0.93969], halfHeightMm: 31.5 },
  };

  it('is saved by patch, audited from none to the new frame, restored on reopening and exported', async () => {
    const ws = workstation();
    const opened = await ws.call<State>('reading.open', { studyInstanceUid: '2.9.1' });
    const readingId = opened.reading.readingId;
    expect(opened.reading.jointAxes).toBeUndefined();
    await ws.call('reading.patch', { readingId, patch: { jointAxes: axes } });
    const reopened = await ws.call<State>('reading.open', { studyInstanceUid: '2.9.1' });
    expect(reopened.reading.jointAxes).toEqual(axes);

    const moved = { ...axes, left: { ...axes.left, centre: [41, 12.5, -3] } };
    await ws.call('reading.patch', { readingId, patch: { jointAxes: moved } });
    const audit = await ws.call<{ action: string; path: string; from: unknown; to: unknown }[]>(
      'reading.audit',
      { readingId },
    );
    expect(audit.filter((a) => a.path.startsWith('jointAxes'))).toEqual([
      expect.objectContaining({ action: 'edit', path: 'jointAxes', from: null, to: axes }),
      expect.objectContaining({
        action: 'edit',
        path: 'jointAxes.left.centre',
        from: [40, 12.5, -3],
        to: [41, 12.5, -3],
      }),
    ]);

    const state = await ws.call<State>('reading.get', { readingId });
    const exported = exportReadingJson(parseReading(state.reading, 'api'), {
      exportedAt: '2026-12-01T00:00:00.000Z',
      softwareVersion: 'test',
      deidentified: false,
    });
    const text = JSON.stringify(exported);
    expect(JSON.parse(text).reading.jointAxes).toEqual(moved);
    expect(importReadingJson(text, 'frame.json').reading.jointAxes).toEqual(moved);
  });

  it('keeps readings written before the field valid, and refuses a frame that is not one', async () => {
    const ws = workstation();
    const { reading } = await ws.call<State>('reading.open', { studyInstanceUid: '2.9.2' });
    const old = { ...reading } as Record<string, unknown>;
    delete old.jointAxes;
    expect(parseReading(old, 'old.json').jointAxes).toBeUndefined();
    const bent = { ...axes, right: { ...axes.right, up: [0, 0, 2] } };
    await expect(
      ws.call('reading.patch', { readingId: reading.readingId, patch: { jointAxes: bent } }),
    ).rejects.toThrow(/unit vector/);
    await expect(
      ws.call('reading.patch', {
        readingId: reading.readingId,
        patch: { jointAxes: { ...axes, left: { ...axes.left, halfHeightMm: 1 } } },
      }),
    ).rejects.toThrow(/halfHeightMm/);
  });
});

import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { ApiError } from '../api/contract';
import type { methods } from '../api/reading';
import type { DicomStudy } from '../dicom';
import { examRefFromStudy, readFiles, readStacks } from './exam';
import {
  acceptSuggestion,
  attachModelOutput,
  newReading,
  overrideSuggestion,
  patchReading,
  readerView,
  revealModel,
  setCell,
  setJudgement,
} from './edits';
import { fingerprintFiles, imageChangeWarning } from './imageHash';
import { signBlockers } from './lifecycle';
import { modelOutputFromInference, type InferenceResultLike } from './modelOutput';
import { localReaderProfile } from './readerProfile';
import { loadReadingSettings, saveReadingSettings } from './settingsFile';
import {
  amendReadingVersion,
  createReading,
  editReading,
  getReading,
  listReadings,
  readingAudit,
  signReadingVersion,
  type AuditAction,
} from './readingStore';
import type { Reading } from './schema';

type Methods = typeof methods;
export type ReadingHandlers = {
  [M in keyof Methods]: (params: z.output<Methods[M]['params']>) => Promise<z.output<Methods[M]['result']>>;
};

export interface ReadingServiceDeps {
  db: Database.Database;
  /** where reader.json (the local reader profile) lives */
  dataDir: string;
  findStudy(studyInstanceUid: string): Promise<DicomStudy | null>;
  /** the cached model result for the study, if the model has run */
  modelResult(studyInstanceUid: string): Promise<InferenceResultLike | null>;
  emit?(payload: { readingId: string; version: number; studyInstanceUid: string }): void;
  now?: () => string;
}

/** The reading API over the store: every mutation is one transaction (autosave) and one audit trail. */
export function readingHandlers(deps: ReadingServiceDeps): ReadingHandlers {
  const now = deps.now ?? (() => new Date().toISOString());
  const reader = () => localReaderProfile(deps.dataDir);
  const warnings = new Map<string, string | null>();

  const guard = async <T>(f: () => T | Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      const message = (err as Error).message;
      throw new ApiError(/^no reading /.test(message) ? 'not_found' : 'bad_request', message);
    }
  };

  async function imageWarning(r: Reading): Promise<string | null> {
    const key = `${r.readingId}/${r.version}`;
    if (!warnings.has(key)) {
      const study = r.exam.imageHash ? await deps.findStudy(r.exam.studyInstanceUid) : null;
      const files = study ? readFiles(readStacks(study)) : [];
      warnings.set(key, files.length ? imageChangeWarning(r, await fingerprintFiles(files)) : null);
    }
    return warnings.get(key) ?? null;
  }

  async function state(r: Reading) {
    return {
      reading: readerView(r),
      signBlockers: signBlockers(r),
      imageWarning: await imageWarning(r),
      versions: listReadings(deps.db)
        .filter((s) => s.readingId === r.readingId)
        .map((s) => ({ version: s.version, state: s.state })),
    };
  }

  const edit = (readingId: string, action: AuditAction, f: (r: Reading, at: string) => Reading) =>
    guard(async () => {
      const r = editReading(deps.db, readingId, reader(), action, (d) => f(d, now()));
      deps.emit?.({ readingId, version: r.version, studyInstanceUid: r.exam.studyInstanceUid });
      return state(r);
    });

  return {
    'reading.open': ({ studyInstanceUid, blinded }) =>
      guard(async () => {
        const existing = listReadings(deps.db, { studyInstanceUid }).sort((a, b) =>
          b.updatedAt.localeCompare(a.updatedAt),
        )[0];
        let r = existing ? getReading(deps.db, existing.readingId) : null;
        if (!r) {
          const study = await deps.findStudy(studyInstanceUid);
          if (!study)
            throw new ApiError(
              'not_found',
              `Study ${studyInstanceUid} is not in the index; import it first.`,
            );
          const at = now();
          r = createReading(
            deps.db,
            newReading({
              readingId: randomUUID(),
              exam: await examRefFromStudy(study),
              author: reader(),
              at,
              blinded: blinded ?? loadReadingSettings(deps.dataDir).blindedByDefault,
            }),
            reader(),
          );
        }
        if (r.status === 'draft' && r.model === null) {
          const result = await deps.modelResult(studyInstanceUid);
          if (result)
            r = editReading(deps.db, r.readingId, reader(), 'attach_model', (d) =>
              attachModelOutput(d, modelOutputFromInference(result), now()),
            );
        }
        return state(r);
      }),
    'reading.find': ({ studyInstanceUid }) =>
      guard(async () => {
        const newest = listReadings(deps.db, { studyInstanceUid }).sort((a, b) =>
          b.updatedAt.localeCompare(a.updatedAt),
        )[0];
        return newest ? state(getReading(deps.db, newest.readingId)) : null;
      }),
    'reading.settings': () => guard(() => loadReadingSettings(deps.dataDir)),
    'reading.updateSettings': (change) => guard(() => saveReadingSettings(deps.dataDir, change)),
    'reading.get': ({ readingId, version }) => guard(() => state(getReading(deps.db, readingId, version))),
    'reading.setCell': ({ readingId, cell }) => edit(readingId, 'edit', (r, at) => setCell(r, cell, at)),
    'reading.setJudgement': ({ readingId, key, answer, confidence }) =>
      edit(readingId, 'edit', (r, at) => setJudgement(r, key, { answer, confidence }, at)),
    'reading.accept': ({ readingId, key }) =>
      edit(readingId, 'accept', (r, at) => acceptSuggestion(r, key, at)),
    'reading.override': ({ readingId, key, answer, reasonCode, reasonText }) =>
      edit(readingId, 'override', (r, at) =>
        overrideSuggestion(r, key, { answer, reasonCode, reasonText }, at),
      ),
    'reading.reveal': ({ readingId }) => edit(readingId, 'reveal_model', (r, at) => revealModel(r, at)),
    'reading.patch': ({ readingId, patch }) => edit(readingId, 'edit', (r, at) => patchReading(r, patch, at)),
    'reading.sign': ({ readingId }) =>
      guard(async () => {
        const r = signReadingVersion(deps.db, readingId, reader(), now());
        deps.emit?.({ readingId, version: r.version, studyInstanceUid: r.exam.studyInstanceUid });
        return state(r);
      }),
    'reading.amend': ({ readingId, reason }) =>
      guard(async () => {
        const r = amendReadingVersion(deps.db, readingId, reader(), reason, now());
        deps.emit?.({ readingId, version: r.version, studyInstanceUid: r.exam.studyInstanceUid });
        return state(r);
      }),
    'reading.audit': ({ readingId }) =>
      guard(() => readingAudit(deps.db, readingId).map(({ readingId: _r, ...rest }) => rest)),
  };
}

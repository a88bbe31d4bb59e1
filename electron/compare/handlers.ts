import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { ApiError } from '../api/contract';
import type { methods } from '../api/compare';
import type { Person } from '../reading';
import { BlindFirstError, createConsensus, importReadings, openComparison } from './compareStore';
import type { LocalExam } from './match';
import { compareOverview } from './overview';
import { PackageError, parsePackageBytes } from './package';

type CompareMethods = typeof methods;
export type CompareHandlers = {
  [M in keyof CompareMethods]: (
    params: z.output<CompareMethods[M]['params']>,
  ) => Promise<z.input<CompareMethods[M]['result']>>;
};

export interface CompareDeps {
  db: Database.Database;
  /** the workstation's reader profile: who is acting (never taken from the renderer) */
  reader: () => Person;
  /** the studies in the local index with their series, for matching imported readings */
  localExams: () => Promise<LocalExam[]>;
  now?: () => string;
  newReadingId?: () => string;
}

function asApiError(err: unknown): never {
  if (err instanceof BlindFirstError) throw new ApiError('bad_request', err.message);
  if (err instanceof PackageError) throw new ApiError('unreadable', err.message);
  throw err;
}

/** The compare API over the store; the services compose it with the other features' handlers. */
export function compareHandlers(deps: CompareDeps): CompareHandlers {
  const now = deps.now ?? (() => new Date().toISOString());
  const newReadingId = deps.newReadingId ?? (() => `consensus-${randomUUID()}`);
  return {
    async 'compare.studies'() {
      return compareOverview(deps.db, deps.reader());
    },
    async 'compare.importPackages'({ paths }) {
      try {
        const packaged = [];
        for (const file of paths) {
          let bytes: Uint8Array;
          try {
            bytes = await readFile(file);
          } catch (err) {
            throw new ApiError('not_found', `Cannot read ${file}: ${(err as Error).message}`);
          }
          packaged.push(...parsePackageBytes(bytes, file));
        }
        return importReadings(deps.db, packaged, {
          importedBy: deps.reader(),
          at: now(),
          localExams: await deps.localExams(),
        });
      } catch (err) {
        return asApiError(err);
      }
    },
    async 'compare.open'({ studyInstanceUid, mode }) {
      try {
        const localExams = await deps.localExams();
        return openComparison(deps.db, {
          viewer: deps.reader(),
          studyInstanceUid,
          mode,
          at: now(),
          localExams,
        }).comparison;
      } catch (err) {
        return asApiError(err);
      }
    },
    async 'compare.createConsensus'({ studyInstanceUid, mode, sources }) {
      try {
        const made = createConsensus(deps.db, {
          adjudicator: deps.reader(),
          studyInstanceUid,
          mode,
          readingId: newReadingId(),
          at: now(),
          sources,
        });
        return {
          readingId: made.reading.readingId,
          sources: made.sources,
          undecidedJudgements: made.undecidedJudgements,
          undecidedCells: made.undecidedCells,
          undecidedWindows: made.undecidedWindows,
        };
      } catch (err) {
        return asApiError(err);
      }
    },
  };
}

import { ApiError, type Handlers, type StudySummary } from '../api';
import type { EventBus } from './events';
import type { ModelRegistry } from './model-service';
import type { CatalogStudy, StudyCatalog } from './ports';

type StudyHandlers = Pick<Handlers, 'studies.list' | 'studies.get' | 'studies.import'>;

export function studyHandlers(
  catalog: StudyCatalog,
  models: ModelRegistry,
  bus: EventBus,
  readingStatusOf: (studyInstanceUid: string) => StudySummary['readingStatus'],
): StudyHandlers {
  const withStatus = (s: CatalogStudy): StudySummary => ({
    ...s,
    modelStatus: models.statusOf(s.studyInstanceUid),
    readingStatus: readingStatusOf(s.studyInstanceUid),
  });
  return {
    async 'studies.list'() {
      return (await catalog.list()).map(withStatus);
    },
    async 'studies.get'({ studyInstanceUid }) {
      const study = (await catalog.list()).find((s) => s.studyInstanceUid === studyInstanceUid);
      if (!study)
        throw new ApiError('not_found', `Study ${studyInstanceUid} is not in the index; import it first.`);
      return withStatus(study);
    },
    async 'studies.import'({ paths }) {
      const report = await catalog.importPaths(paths, (p) => bus.emit('studies.importProgress', p));
      if (report.studies.length === 0) {
        const reasons = report.skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`);
        throw new ApiError(
          'unreadable',
          `No readable MR study found in ${paths.join(', ')}` +
            (reasons.length ? ` (${reasons.join('; ')})` : '') +
            '. Choose a folder that holds the exam’s DICOM files.',
        );
      }
      for (const uid of report.studies) bus.emit('studies.changed', { studyInstanceUid: uid });
      return report;
    },
  };
}

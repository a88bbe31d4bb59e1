import { serveTasks } from '../worker-pool';
import { buildDatasetExam, type DatasetExamEntry, type DatasetExamTask } from './exam';

serveTasks<DatasetExamTask, DatasetExamEntry>(async (task) => ({ result: await buildDatasetExam(task) }));

export { openStore, migrate, MIGRATIONS_DIR } from './open';
export { resolveDataDir, STORE_FILE } from './data-dir';
export {
  openFolders,
  indexedScan,
  studyFileProblems,
  type OpenedFolder,
  type FileChanges,
} from './study-index';

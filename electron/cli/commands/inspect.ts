import path from 'node:path';
import { inspectSummary, inspectText, scanPaths, type ScanResult } from '../../dicom';
import { openFolders, openStore, resolveDataDir, STORE_FILE } from '../../store';
import { UsageError, type CliCommand } from '../command';

/** Through the study index: instant when nothing changed on disk since the last time. */
function scanThroughIndex(paths: string[], dataDirFlag: string | undefined): ScanResult {
  const db = openStore(path.join(resolveDataDir(dataDirFlag), STORE_FILE));
  try {
    const opened = openFolders(db, paths);
    const { added, removed, modified } = opened.changes;
    process.stderr.write(
      opened.fromIndex
        ? 'sij inspect: from the study index (no file changed)\n'
        : added.length + removed.length + modified.length === 0
          ? 'sij inspect: indexed\n'
          : `sij inspect: re-indexed (${added.length} added, ${removed.length} removed, ${modified.length} changed since last time)\n`,
    );
    for (const f of removed) process.stderr.write(`sij inspect: file gone since last indexed: ${f}\n`);
    return opened.scan;
  } finally {
    db.close();
  }
}

export const command: CliCommand = {
  name: 'inspect',
  summary: 'list the studies, series and stacks in DICOM files or folders',
  usage: 'sij inspect <path...> [--json] [--index [--data-dir DIR]]',
  async run(argv) {
    const json = argv.includes('--json');
    const useIndex = argv.includes('--index');
    const dataDirAt = argv.indexOf('--data-dir');
    const dataDir = dataDirAt >= 0 ? argv[dataDirAt + 1] : undefined;
    if (dataDirAt >= 0 && (!dataDir || dataDir.startsWith('--')))
      throw new UsageError('--data-dir needs a folder');
    const flags = new Set(['--json', '--index', '--data-dir']);
    const unknown = argv.filter((a) => a.startsWith('-') && !flags.has(a));
    if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}`);
    const paths = argv.filter((a, i) => !a.startsWith('-') && !(dataDirAt >= 0 && i === dataDirAt + 1));
    if (paths.length === 0) throw new UsageError('give at least one file or folder');
    const scan = useIndex || dataDir ? scanThroughIndex(paths, dataDir) : scanPaths(paths);
    process.stdout.write((json ? JSON.stringify(inspectSummary(scan), null, 2) : inspectText(scan)) + '\n');
    const usable = scan.studies.some((st) => st.series.some((se) => se.stacks.length > 0));
    if (!usable) process.stderr.write('sij inspect: no usable DICOM image found\n');
    return usable ? 0 : 1;
  },
};

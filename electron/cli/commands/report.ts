import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { parseCommandArgs, UsageError, type CliCommand } from '../command';
import { scanPaths, type DicomStack, type DicomStudy } from '../../dicom';
import { listModels, modelRoots, SqliteResultCache, withInstalledHeatmapEvidence } from '../../inference';
import {
  buildReadingSr,
  deidentifyReading,
  exportReadingJson,
  fingerprintFiles,
  getReading,
  imageChangeWarning,
  importReadingJson,
  keyImages,
  listReadings,
  localReaderProfile,
  readFiles,
  readStacks,
  recordExport,
  renderReportHtml,
  renderReportPdf,
  reportContent,
  sourceInstancesOf,
  type CamVolume,
  type Reading,
} from '../../reading';
import { openStore, resolveDataDir, STORE_FILE } from '../../store';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const OPTIONS = {
  pdf: { type: 'string' },
  html: { type: 'string' },
  json: { type: 'string' },
  sr: { type: 'string' },
  'data-dir': { type: 'string' },
  version: { type: 'string' },
  images: { type: 'string' },
  salt: { type: 'string' },
  deidentify: { type: 'boolean' },
} as const;

function parseReportArgs(argv: string[]) {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length !== 1)
    throw new UsageError('give one reading id, study instance UID or exported reading .json');
  if (!values.pdf && !values.html && !values.json && !values.sr)
    throw new UsageError('nothing to write: give --pdf, --html, --json and/or --sr');
  const { deidentify, ...opts } = values;
  return { target: positionals[0], opts, deidentify: deidentify === true };
}

/** A reading id, else the newest reading of a study UID. */
function findReading(db: Database.Database, target: string, version: number | undefined): Reading {
  const byId = listReadings(db).filter((s) => s.readingId === target);
  if (byId.length > 0) return getReading(db, target, version);
  const forStudy = listReadings(db, { studyInstanceUid: target });
  if (forStudy.length === 0) throw new UsageError(`no reading or study '${target}' in the database`);
  const newest = forStudy.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  return getReading(db, newest.readingId, version);
}

/** The study's images: from --images (scanned now), else from the workstation's study index. */
function findStudy(
  db: Database.Database | null,
  r: Reading,
  imagesDir: string | undefined,
): DicomStudy | null {
  if (imagesDir) {
    if (!existsSync(imagesDir)) throw new UsageError(`--images ${imagesDir}: no such folder`);
    const study = scanPaths([imagesDir]).studies.find((s) => s.studyInstanceUid === r.exam.studyInstanceUid);
    if (!study)
      throw new UsageError(`--images ${imagesDir}: study ${r.exam.studyInstanceUid} is not in that folder`);
    return study;
  }
  if (!db) return null;
  const uids = [r.exam.series.t1?.seriesInstanceUid, r.exam.series.stir?.seriesInstanceUid].filter(
    Boolean,
  ) as string[];
  const rows = db
    .prepare(
      `SELECT s.series_instance_uid AS uid, s.description, s.modality, s.sop_class_uid AS sopClassUid, st.stack
       FROM series s JOIN stacks st USING (series_instance_uid) WHERE s.study_instance_uid = ?`,
    )
    .all(r.exam.studyInstanceUid) as {
    uid: string;
    description: string;
    modality: string;
    sopClassUid: string;
    stack: string;
  }[];
  const wanted = rows.filter((row) => uids.includes(row.uid));
  if (wanted.length === 0) return null;
  return {
    studyInstanceUid: r.exam.studyInstanceUid,
    patientId: r.exam.patient.id ?? '',
    patientName: r.exam.patient.name ?? '',
    studyDate: r.exam.studyDate ?? '',
    description: r.exam.studyDescription ?? '',
    series: wanted.map((row) => ({
      seriesInstanceUid: row.uid,
      description: row.description,
      modality: row.modality,
      sopClassUid: row.sopClassUid,
      stacks: [JSON.parse(row.stack) as DicomStack],
    })),
  };
}

function cachedCams(db: Database.Database | null, studyUid: string, dataDir: string): CamVolume[] {
  if (!db) return [];
  const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'inference_results'`).get();
  if (!hasTable) return [];
  const row = db
    .prepare(
      `SELECT cache_key FROM inference_results WHERE study_instance_uid = ? ORDER BY created_at DESC LIMIT 1`,
    )
    .get(studyUid) as { cache_key: string } | undefined;
  const output = row && new SqliteResultCache(db).get(row.cache_key);
  if (!output) return [];
  const result = withInstalledHeatmapEvidence(output.result, listModels(modelRoots(dataDir)).models);
  return output.cams.map((c) => ({
    task: c.task,
    sequence: c.sequence,
    volume: c.volume,
    heatmapOnLesion: result.tasks[c.task].heatmapOnLesion,
    kind: result.tasks[c.task].heatmaps?.[c.sequence],
  }));
}

export const command: CliCommand = {
  name: 'report',
  summary: 'write a reading as PDF / HTML report, JSON export and DICOM SR (optionally de-identified)',
  usage:
    'sij report <reading-id | study-uid | exported.json> [--pdf out.pdf] [--html out.html] [--json out.json] [--sr out.dcm] ' +
    '[--deidentify [--salt S]] [--version N] [--images <exam folder>] [--data-dir DIR]',
  async run(argv) {
    const { target, opts, deidentify } = parseReportArgs(argv);
    const version = opts.version === undefined ? undefined : Number(opts.version);
    if (version !== undefined && !(Number.isInteger(version) && version >= 1))
      throw new UsageError(`--version must be 1 or more`);
    const dataDir = resolveDataDir(opts['data-dir']);
    const fromFile = target.endsWith('.json') && existsSync(target);
    const db = fromFile && !opts['data-dir'] ? null : openStore(path.join(dataDir, STORE_FILE));
    try {
      const reading = fromFile
        ? importReadingJson(readFileSync(target, 'utf8'), target).reading
        : findReading(db!, target, version);
      const study = findStudy(db, reading, opts.images);
      const stacks = study ? readStacks(study) : { t1: null, stir: null };
      if (study && reading.exam.imageHash) {
        const warning = imageChangeWarning(reading, await fingerprintFiles(readFiles(stacks)));
        if (warning) process.stderr.write(`warning: ${warning}\n`);
      }
      if (!study && (opts.pdf || opts.html))
        process.stderr.write(
          `warning: no images of study ${reading.exam.studyInstanceUid} found; the report has no key images (use --images)\n`,
        );
      const exportedAt = new Date().toISOString();
      const salt = opts.salt ?? process.env.SIJ_DEID_SALT ?? randomBytes(16).toString('hex');
      const out = deidentify ? deidentifyReading(reading, salt) : reading;
      const written: string[] = [];
      if (opts.pdf || opts.html) {
        const content = reportContent(
          out,
          study
            ? await keyImages(reading, stacks, cachedCams(db, reading.exam.studyInstanceUid, dataDir))
            : [],
        );
        if (opts.pdf) writeFileSync(opts.pdf, await renderReportPdf(content, { softwareVersion: VERSION }));
        if (opts.html) writeFileSync(opts.html, renderReportHtml(content));
        written.push(...[opts.pdf, opts.html].filter((f): f is string => Boolean(f)));
      }
      if (opts.json) {
        writeFileSync(
          opts.json,
          JSON.stringify(
            exportReadingJson(out, { exportedAt, softwareVersion: VERSION, deidentified: deidentify }),
            null,
            2,
          ),
        );
        written.push(opts.json);
      }
      if (opts.sr) {
        if (!study)
          throw new UsageError(
            `--sr needs the images of study ${reading.exam.studyInstanceUid} to reference: give --images <exam folder>`,
          );
        const sr = buildReadingSr(out, {
          sourceInstances: sourceInstancesOf(study),
          exportedAt,
          softwareVersion: VERSION,
          deidentifySalt: deidentify ? salt : undefined,
        });
        writeFileSync(opts.sr, sr);
        written.push(opts.sr);
      }
      if (db && !fromFile)
        recordExport(
          db,
          reading,
          localReaderProfile(dataDir),
          `export ${deidentify ? 'de-identified ' : ''}${written.map((w) => path.basename(w!)).join(', ')}`,
          exportedAt,
        );
      process.stdout.write(
        `reading ${reading.readingId} v${reading.version} (${reading.status}) -> ${written.join(', ')}\n`,
      );
      return 0;
    } finally {
      db?.close();
    }
  },
};

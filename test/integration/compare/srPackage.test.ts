import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parsePackageBytes, parseReadingPackage } from '../../../electron/compare';
import { buildReadingSr, deidentifyReading, exportReadingJson } from '../../../electron/reading';
import { at, exam } from '../../unit/reading/fixtures';
import { signedReadingFixture } from '../reading/signedFixture';

/**
 * DICOM SR -> reading package. Expectations: the JSON export of the same reading (the other package
 * format), and files made or altered by pydicom, a DICOM library no one here wrote.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-sr-package-'));
const sources = [1, 2].map((n) => ({
  seriesInstanceUid: exam.series.stir!.seriesInstanceUid,
  sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
  sopInstanceUid: `${exam.series.stir!.seriesInstanceUid}.${n}`,
}));
const opts = { exportedAt: at(9), softwareVersion: '0.1.0' };

function python(script: string, ...args: string[]): string {
  return execFileSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' }).trim();
}

function writeSr(name: string, reading = signedReadingFixture(), salt?: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, buildReadingSr(reading, { ...opts, sourceInstances: sources, deidentifySalt: salt }));
  return file;
}

const root = path.resolve(import.meta.dirname, '../../..');
const sij = (...args: string[]) =>
  promisify(execFile)('node', [path.join(root, 'bin/sij.mjs'), ...args], { cwd: root }).catch(
    (err: { code: number; stdout: string; stderr: string }) => err,
  );

const importFile = (file: string) => parsePackageBytes(readFileSync(file), file);

describe('DICOM SR reading packages', () => {
  it('an SR imports as the same package as the JSON export of the same reading', () => {
    const reading = signedReadingFixture();
    const fromSr = importFile(writeSr('reading.dcm', reading));
    const json = JSON.stringify(exportReadingJson(reading, { ...opts, deidentified: false }));
    const fromJson = parseReadingPackage(json, 'reading.json');
    expect(fromSr).toHaveLength(1);
    expect({ ...fromSr[0], source: '' }).toEqual({ ...fromJson[0], source: '' });
    expect(fromSr[0].reading).toEqual(reading);
    // pydicom finds the same document in the SR: what travels is the export, byte for byte
    const embedded = python(
      `import pydicom,sys
d=pydicom.dcmread(sys.argv[1])
print([i for i in d.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue=='READING-DOC'][0].TextValue)`,
      path.join(dir, 'reading.dcm'),
    );
    expect(JSON.parse(embedded)).toEqual(JSON.parse(json));
  });

  it('a de-identified SR imports as the de-identified JSON export, flagged as such', () => {
    const reading = deidentifyReading(signedReadingFixture(), 'salt-9');
    const [fromSr] = importFile(writeSr('deid.dcm', reading, 'salt-9'));
    const [fromJson] = parseReadingPackage(
      JSON.stringify(exportReadingJson(reading, { ...opts, deidentified: true })),
      'deid.json',
    );
    expect(fromSr.deidentified).toBe(true);
    expect(fromSr.sha256).toBe(fromJson.sha256);
    expect(fromSr.reading.exam.studyInstanceUid).not.toBe(exam.studyInstanceUid);
  });

  it('refuses an SR whose coded answer was changed after export, naming the file and the item', () => {
    const file = writeSr('tampered.dcm');
    // pydicom flips the coded ASAS answer (no -> yes) and leaves the embedded document alone
    python(
      `import pydicom,sys
d=pydicom.dcmread(sys.argv[1])
reader=[i for i in d.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue=='READER'][0]
asas=[i for i in reader.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue=='ASAS-POS-MRI'][0]
asas.ConceptCodeSequence[0].CodeValue='373066001'
asas.ConceptCodeSequence[0].CodeMeaning='Yes'
d.save_as(sys.argv[1])`,
      file,
    );
    expect(() => importFile(file)).toThrow(
      `${file}: the SR's coded content disagrees with its reading document (judgements.asas_bme.answer: coded "yes", document "no"); it was changed after export`,
    );
  });

  it('a foreign SR, a non-SR DICOM file, a broken file and a draft each get a clear message', () => {
    const foreign = path.join(dir, 'foreign-sr.dcm');
    python(
      `import pydicom,sys
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
m=FileMetaDataset(); m.MediaStorageSOPClassUID='1.2.840.10008.5.1.4.1.1.88.11'
m.MediaStorageSOPInstanceUID=generate_uid(); m.TransferSyntaxUID=ExplicitVRLittleEndian
d=Dataset(); d.file_meta=m; d.SOPClassUID=m.MediaStorageSOPClassUID; d.SOPInstanceUID=m.MediaStorageSOPInstanceUID
d.StudyInstanceUID=generate_uid(); d.Modality='SR'; d.ValueType='CONTAINER'
c=Dataset(); c.CodeValue='18748-4'; c.CodingSchemeDesignator='LN'; c.CodeMeaning='Diagnostic imaging report'
d.ConceptNameCodeSequence=[c]
t=Dataset(); t.RelationshipType='CONTAINS'; t.ValueType='TEXT'; t.TextValue='Normal sacroiliac joints.'
f=Dataset(); f.CodeValue='121071'; f.CodingSchemeDesignator='DCM'; f.CodeMeaning='Finding'
t.ConceptNameCodeSequence=[f]; d.ContentSequence=[t]
d.is_little_endian=True; d.is_implicit_VR=False
d.save_as(sys.argv[1], write_like_original=False)`,
      foreign,
    );
    expect(() => importFile(foreign)).toThrow(
      `${foreign}: a DICOM SR (Diagnostic imaging report) but not an SIJ Reader reading: it carries no reading document (99SIJR READING-DOC)`,
    );

    const image = path.join(dir, 'image.dcm');
    python(
      `import pydicom,sys
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
m=FileMetaDataset(); m.MediaStorageSOPClassUID='1.2.840.10008.5.1.4.1.1.4'
m.MediaStorageSOPInstanceUID=generate_uid(); m.TransferSyntaxUID=ExplicitVRLittleEndian
d=Dataset(); d.file_meta=m; d.SOPClassUID=m.MediaStorageSOPClassUID; d.SOPInstanceUID=m.MediaStorageSOPInstanceUID
d.Modality='MR'
d.is_little_endian=True; d.is_implicit_VR=False
d.save_as(sys.argv[1], write_like_original=False)`,
      image,
    );
    expect(() => importFile(image)).toThrow(
      `${image}: not a DICOM Structured Report (SOP class 1.2.840.10008.5.1.4.1.1.4)`,
    );

    const broken = path.join(dir, 'broken.dcm');
    writeFileSync(broken, readFileSync(writeSr('whole.dcm')).subarray(0, 200));
    expect(() => importFile(broken)).toThrow(new RegExp(`^${broken}: not a readable DICOM file`));

    let draft = signedReadingFixture();
    draft = { ...draft, status: 'draft', signer: null, signedAt: null };
    const draftFile = writeSr('draft.dcm', draft);
    expect(() => importFile(draftFile)).toThrow(
      `${draftFile}: reading r-1 v1 is a draft; only signed readings can be imported`,
    );
  });

  it('sij import-reading takes an SR beside JSON packages; a foreign file exits 2 naming it', async () => {
    const sr = writeSr('cli.dcm');
    const db = path.join(dir, 'cli-store.db');
    const ok = (await sij('import-reading', sr, '--db', db, '--json')) as { stdout: string };
    expect(JSON.parse(ok.stdout)).toMatchObject([
      { source: sr, readingId: 'r-1', version: 1, status: 'imported' },
    ]);
    const foreign = path.join(dir, 'foreign-sr.dcm');
    const bad = (await sij('import-reading', foreign, '--db', db)) as { code: number; stderr: string };
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      `${foreign}: a DICOM SR (Diagnostic imaging report) but not an SIJ Reader reading`,
    );
  });
});

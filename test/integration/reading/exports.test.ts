import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildReadingSr,
  deidentifiedUid,
  deidentifyReading,
  exportReadingJson,
  importReadingJson,
  srUids,
} from '../../../electron/reading';
import { at, exam } from '../../unit/reading/fixtures';
import { signedReadingFixture } from './signedFixture';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-reading-export-'));
const sources = [1, 2, 3].map((n) => ({
  seriesInstanceUid: exam.series.t1!.seriesInstanceUid,
  sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
  sopInstanceUid: `${exam.series.t1!.seriesInstanceUid}.${n}`,
}));

function writeSr(name: string, buf: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, buf);
  return file;
}

describe('JSON export', () => {
  it('round-trips and states the scores computed from the grid', () => {
    const r = signedReadingFixture();
    const exported = exportReadingJson(r, {
      exportedAt: at(9),
      softwareVersion: '0.1.0',
      deidentified: false,
    });
    expect(exported.scores).toMatchObject({
      sparcc: { score: 3 },
      sss: { score: 1, erosion: 1 },
      asasPositive: true,
      definiteActiveLesion: false,
    });
    const back = importReadingJson(JSON.stringify(exported), 'reading.json');
    expect(back.reading).toEqual(r);
  });

  it('refuses bad files with the file name and the reason', () => {
    const exported = exportReadingJson(signedReadingFixture(), {
      exportedAt: at(9),
      softwareVersion: '0.1.0',
      deidentified: false,
    });
    expect(() => importReadingJson('{', 'a.json')).toThrow(/a.json: not JSON/);
    expect(() => importReadingJson(JSON.stringify({ ...exported, schema: 'other/1' }), 'b.json')).toThrow(
      /b.json: not a sij-reading-export\/1 file: schema/,
    );
    const tampered = {
      ...exported,
      scores: { ...exported.scores, sparcc: { score: 30, slices: exported.scores.sparcc!.slices } },
    };
    expect(() => importReadingJson(JSON.stringify(tampered), 'c.json')).toThrow(
      /c.json: the scores in the file do not match/,
    );
    const badReading = { ...exported, reading: { ...exported.reading, version: 0 } };
    expect(() => importReadingJson(JSON.stringify(badReading), 'd.json')).toThrow(
      /d.json: not a valid sij-reading\/1 reading: version/,
    );
  });
});

describe('de-identification', () => {
  it('removes patient identity, accession and date and maps UIDs stably', () => {
    const r = deidentifyReading(signedReadingFixture(), 'salt-1');
    const text = JSON.stringify(
      exportReadingJson(r, { exportedAt: at(9), softwareVersion: '0.1.0', deidentified: true }),
    );
    for (const phi of [
      'Doe^Jane',
      'PID-7',
      '19900101',
      'ACC42',
      '20261130',
      exam.studyInstanceUid,
      exam.series.t1!.seriesInstanceUid,
    ])
      expect(text).not.toContain(phi);
    expect(r.exam.studyInstanceUid).toBe(deidentifiedUid(exam.studyInstanceUid, 'salt-1'));
    expect(r.exam.studyInstanceUid).toMatch(/^2\.25\.\d+$/);
    expect(r.exam.studyInstanceUid.length).toBeLessThanOrEqual(64);
    expect(deidentifyReading(signedReadingFixture(), 'salt-1')).toEqual(r);
    expect(deidentifyReading(signedReadingFixture(), 'salt-2').exam.studyInstanceUid).not.toBe(
      r.exam.studyInstanceUid,
    );
  });
});

describe('DICOM SR', () => {
  it('passes dciodvfy without errors and carries reader, model, verdicts and scores (read back by dcmtk and pydicom)', () => {
    const r = signedReadingFixture();
    const file = writeSr(
      'sr.dcm',
      buildReadingSr(r, { sourceInstances: sources, exportedAt: at(9), softwareVersion: '0.1.0' }),
    );
    const v = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const report = v.stdout + v.stderr;
    expect(report).toContain('ComprehensiveSR');
    expect(report.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    const tree = execFileSync('dsrdump', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(tree).toContain('Verification Flag   : VERIFIED');
    expect(tree).toContain('<has obs context PNAME:(,,"Person Observer Name")="Reader^Ada^^Dr.">');
    expect(tree).toContain('<has obs context CODE:(,,"Observer Type")=(121007,DCM,"Device")>');
    expect(tree).toContain('<has properties CODE:(,,"Override reason")=(mimic,99SIJR,"Mimic")>');
    expect(tree).toContain('<has properties TEXT:(,,"Override reason text")="osteitis condensans ilii">');
    expect(tree).toContain('<contains NUM:(,,"SPARCC SIJ inflammation score")="3"');
    expect(tree).toContain('<contains NUM:(,,"Positive MRI by the ASAS definition")="0.32"');
    const py = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `import pydicom,sys
d=pydicom.dcmread(sys.argv[1])
ev=d.CurrentRequestedProcedureEvidenceSequence[0]
print(d.SOPClassUID, d.StudyInstanceUID, ev.ReferencedSeriesSequence[0].SeriesInstanceUID, len(ev.ReferencedSeriesSequence[0].ReferencedSOPSequence), d.VerifyingObserverSequence[0].VerifyingObserverName)`,
        file,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(py).toBe(
      `1.2.840.10008.5.1.4.1.1.88.33 ${exam.studyInstanceUid} ${exam.series.t1!.seriesInstanceUid} 3 Reader^Ada^^Dr.`,
    );
  });

  it('an amendment references the SR of the version it replaces; a de-identified SR carries no identity', () => {
    const r = { ...signedReadingFixture(), version: 2, amendsVersion: 1, amendmentReason: 'fix' };
    const dr = deidentifyReading(r, 's');
    const file = writeSr(
      'sr2.dcm',
      buildReadingSr(dr, {
        sourceInstances: sources,
        exportedAt: at(9),
        softwareVersion: '0.1.0',
        deidentifySalt: 's',
      }),
    );
    const dump = execFileSync('dcmdump', ['+P', '0008,1155', '+P', '0010,0010', '+P', '0020,000d', file], {
      encoding: 'utf8',
    });
    expect(dump).toContain(srUids('r-1', 1).instance);
    expect(dump).not.toContain('Doe^Jane');
    const full = execFileSync('dcmdump', [file], { encoding: 'utf8' });
    for (const phi of [
      'Doe^Jane',
      'PID-7',
      '19900101',
      'ACC42',
      exam.studyInstanceUid + ']',
      sources[0].sopInstanceUid + ']',
    ])
      expect(full).not.toContain(phi);
    const v = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    expect((v.stdout + v.stderr).split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
  });

  it('refuses to write an SR that references no images', () => {
    expect(() =>
      buildReadingSr(signedReadingFixture(), {
        sourceInstances: [],
        exportedAt: at(9),
        softwareVersion: '0.1.0',
      }),
    ).toThrow(/needs the source image instances/);
  });
});

import { BlindFirstError, comparisonText, createConsensus, openComparison } from '../../compare';
import { openStore } from '../../store';
import { UsageError, type CliCommand } from '../command';
import { parseFlags } from './evaluate';
import { actingPerson, localExamsFrom } from './import-reading';

export const command: CliCommand = {
  name: 'compare',
  summary:
    'compare the signed readings of one study side by side (blind-first), optionally start a consensus',
  usage:
    'sij compare <store.db> --study <StudyInstanceUID> [--reader <reader.json>] [--adjudicator] [--exams <dicom folder>] [--json]\n' +
    '            [--consensus <new-reading-id>]\n' +
    '  A reader sees the comparison only after signing their own reading of the study; --adjudicator opens it\n' +
    '  for someone with no reading of it. Every opening is logged. --consensus creates a draft consensus reading\n' +
    '  (majority of the shown readings, undecided items listed) to edit and sign in the reading form.',
  async run(argv) {
    const { values, booleans, positional } = parseFlags(
      argv,
      ['--study', '--reader', '--exams', '--consensus'],
      ['--json', '--adjudicator'],
    );
    if (positional.length !== 1) throw new UsageError('give exactly one store database');
    const study = values.get('--study');
    if (!study) throw new UsageError('--study <StudyInstanceUID> is required');
    const viewer = actingPerson(values, positional[0]);
    const mode = booleans.has('--adjudicator') ? 'adjudicator' : 'reader';
    const db = openStore(positional[0]);
    try {
      const at = new Date().toISOString();
      const { comparison } = openComparison(db, {
        viewer,
        studyInstanceUid: study,
        mode,
        at,
        localExams: localExamsFrom(values),
      });
      const consensusId = values.get('--consensus');
      const consensus = consensusId
        ? createConsensus(db, {
            adjudicator: viewer,
            studyInstanceUid: study,
            mode,
            readingId: consensusId,
            at,
          })
        : null;
      if (booleans.has('--json')) {
        process.stdout.write(JSON.stringify({ comparison, consensus }, null, 2) + '\n');
        return 0;
      }
      process.stdout.write(comparisonText(comparison));
      if (consensus) {
        process.stdout.write(
          `\ncreated draft consensus ${consensus.reading.readingId} from ${consensus.sources
            .map((s) => `${s.readingId} v${s.version}`)
            .join(', ')}\n`,
        );
        const undecided = [
          ...consensus.undecidedJudgements.map((k) => `judgement ${k}`),
          ...consensus.undecidedCells.map((c) => `slice ${c.slice} ${c.joint} ${c.quadrant} ${c.feature}`),
          ...consensus.undecidedWindows.map((w) => `${w} window`),
        ];
        process.stdout.write(
          undecided.length ? `  to decide: ${undecided.join('; ')}\n` : '  every item had a majority\n',
        );
      }
      return 0;
    } catch (err) {
      if (err instanceof BlindFirstError) throw new UsageError(err.message);
      throw err;
    } finally {
      db.close();
    }
  },
};

/**
 * One exam opened in a new process, as after starting the app: JIT compiled on a small warm-up
 * exam first, then the timed exam, whose volumes land in memory the process never touched.
 * Usage: tsx bench/ingest-first-open.ts <warm-up dir> <exam dir>; prints a Timing as JSON.
 */
import { ingestOnce } from './ingest-run';

const [warmUp, exam] = process.argv.slice(2);
await ingestOnce(warmUp);
process.stdout.write(JSON.stringify(await ingestOnce(exam)) + '\n');

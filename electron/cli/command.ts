import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One `sij` sub-command. Each file in ./commands exports `command` of this shape. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. Writes results to stdout, diagnostics to stderr. */
  run(argv: string[]): Promise<number>;
}

/** A failure the user caused (bad flag, missing file): printed as one line, exit code 2. */
export class UsageError extends Error {}

/** node:util parseArgs over a command's argv (positionals allowed); a bad flag becomes a UsageError. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

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

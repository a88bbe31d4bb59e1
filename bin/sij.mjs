#!/usr/bin/env node
// The `sij` command runs the TypeScript sources through tsx, so the CLI, the tests and the
// workstation share one build of the domain code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));

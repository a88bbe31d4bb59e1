import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher } from '../../api';
import { startLoopbackHost } from '../../host';
import { createRuntime, rendererDist } from '../../services';
import { UsageError, type CliCommand } from '../command';

export function defaultDataDir(): string {
  return process.env.SIJ_DATA_DIR ?? path.join(os.homedir(), '.local', 'share', 'sij-reader');
}

function parse(argv: string[]) {
  const options = {
    port: 0,
    dataDir: defaultDataDir(),
    open: null as string | null,
    model: undefined as string | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' || flag === '--data-dir' || flag === '--open' || flag === '--model') {
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      if (flag === '--port') {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError(`--port must be 0-65535, got '${value}'`);
        options.port = port;
      } else if (flag === '--data-dir') options.dataDir = path.resolve(value);
      else if (flag === '--model') options.model = value;
      else options.open = path.resolve(value);
    } else {
      throw new UsageError(`unknown option '${flag}'`);
    }
  }
  if (options.open && !existsSync(options.open))
    throw new UsageError(`--open: ${options.open} does not exist`);
  return options;
}

export const command: CliCommand = {
  name: 'serve',
  summary: 'Serve the reading workstation on 127.0.0.1 (URL with token on the first line)',
  usage: 'sij serve [--port N] [--data-dir DIR] [--open <exam folder>] [--model <id|folder>]',
  async run(argv) {
    const options = parse(argv);
    const log = (line: string) => process.stderr.write(`sij serve: ${line}\n`);
    const runtime = await createRuntime({
      dataDir: options.dataDir,
      transport: 'loopback',
      openPath: options.open,
      model: { model: options.model },
      log,
    });
    const staticRoot = existsSync(path.join(rendererDist, 'index.html')) ? rendererDist : null;
    const host = await startLoopbackHost({
      dispatch: createDispatcher(runtime.services.handlers, log),
      subscribe: (l) => runtime.services.bus.subscribe(l),
      staticRoot,
      port: options.port,
      log,
    });
    process.stdout.write(`${host.url}\n`);
    if (!staticRoot)
      log('renderer/dist is missing: serving the API only (build it with `npm run build:renderer`).');
    log(`data directory ${options.dataDir}; Ctrl+C stops`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    await runtime.close();
    return 0;
  },
};

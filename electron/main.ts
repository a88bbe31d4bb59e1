/**
 * The Electron shell: one window, an application menu, a native open-folder dialog, single
 * instance, data in the user-data directory. Everything else is the shared services layer.
 */
import { app, BrowserWindow, dialog, Menu } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDispatcher } from './api';
import { connectIpc, lockDown } from './ipc';
import { createRuntime, rendererDist, type Runtime } from './services';

const indexHtml = path.join(rendererDist, 'index.html');
const appUrlPrefix = pathToFileURL(rendererDist).href + '/';
const isAppUrl = (url: string) => url.startsWith(appUrlPrefix);

function openArg(argv: string[]): string | null {
  const i = argv.indexOf('--open');
  return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : null;
}

async function importWithDialog(window: BrowserWindow, runtime: Runtime): Promise<void> {
  const choice = await dialog.showOpenDialog(window, {
    title: 'Open an SIJ MRI exam',
    properties: ['openDirectory', 'openFile', 'multiSelections'],
  });
  if (choice.canceled || choice.filePaths.length === 0) return;
  try {
    await runtime.services.handlers['studies.import']({ paths: choice.filePaths });
  } catch (err) {
    runtime.services.bus.emit('app.error', { message: err instanceof Error ? err.message : String(err) });
  }
}

function buildMenu(window: BrowserWindow, runtime: Runtime): Menu {
  return Menu.buildFromTemplate([
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Exam Folder…',
          accelerator: 'CmdOrCtrl+O',
          click: () => void importWithDialog(window, runtime),
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'togglefullscreen' }, { role: 'toggleDevTools' }],
    },
    { role: 'help', submenu: [{ label: 'Keyboard shortcuts: press ? in the window', enabled: false }] },
  ]);
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  lockDown(isAppUrl);
  await app.whenReady();
  const log = (line: string) => process.stderr.write(`sij: ${line}\n`);
  const runtime = await createRuntime({
    dataDir: path.join(app.getPath('userData'), 'data'),
    transport: 'ipc',
    openPath: openArg(process.argv),
    log,
  });
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'SIJ Reader',
    backgroundColor: '#101216',
    webPreferences: {
      preload: path.join(rendererDist, '..', '..', 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  connectIpc(
    window,
    createDispatcher(runtime.services.handlers, log),
    (l) => runtime.services.bus.subscribe(l),
    isAppUrl,
  );
  Menu.setApplicationMenu(buildMenu(window, runtime));
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  await window.loadFile(indexHtml);
}

start().catch((err: unknown) => {
  process.stderr.write(
    `sij: could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  app.exit(1);
});

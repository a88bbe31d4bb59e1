import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { ApiEvent, Dispatcher } from '../api';
import { EVENT_CHANNEL, REQUEST_CHANNEL } from './channels';

/**
 * The IPC transport: the same dispatcher as the loopback host, reachable only from our own page
 * (the sender frame must be the app's main frame loaded from the renderer bundle).
 */
export function connectIpc(
  window: BrowserWindow,
  dispatch: Dispatcher,
  subscribe: (listener: (event: ApiEvent) => void) => () => void,
  isAppUrl: (url: string) => boolean,
): () => void {
  let nextId = 1;
  ipcMain.handle(REQUEST_CHANNEL, async (event: IpcMainInvokeEvent, message: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame !== window.webContents.mainFrame || !isAppUrl(frame.url)) {
      return {
        error: { code: 'bad_request', message: 'Refused: request from outside the SIJ Reader window.' },
      };
    }
    const { method, params } = (message ?? {}) as { method?: unknown; params?: unknown };
    const reply = await dispatch({ id: nextId++, method, params });
    return 'error' in reply ? { error: reply.error } : { result: reply.result };
  });
  const unsubscribe = subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(REQUEST_CHANNEL);
  };
}

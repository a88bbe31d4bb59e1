/**
 * Runs sandboxed in the renderer before the page: exposes exactly the typed API bridge (request,
 * events, dropped-file paths) and nothing else of Node or Electron.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL as EVENT, REQUEST_CHANNEL as REQUEST } from './ipc/channels';

contextBridge.exposeInMainWorld('sijApi', {
  request(method: string, params: unknown) {
    if (typeof method !== 'string') throw new TypeError('method must be a string');
    return ipcRenderer.invoke(REQUEST, { method, params });
  },
  onEvent(listener: (event: { event: string; payload: unknown }) => void) {
    const wrapped = (_e: IpcRendererEvent, message: { event: string; payload: unknown }) => listener(message);
    ipcRenderer.on(EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT, wrapped);
    };
  },
  pathForFile(file: File) {
    return webUtils.getPathForFile(file);
  },
});

import {
  createApiClient,
  decodeMessage,
  type ApiClient,
  type ApiEvent,
  type Transport,
} from '../../../electron/api';

/** What the Electron preload exposes on `window.sijApi` (see electron/preload.ts). */
export interface PreloadBridge {
  request(method: string, params: unknown): Promise<{ result?: unknown; error?: unknown }>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Where a dropped file lives on disk (Electron's webUtils); browsers cannot tell. */
  pathForFile?(file: File): string;
}

declare global {
  interface Window {
    sijApi?: PreloadBridge;
  }
}

function ipcTransport(bridge: PreloadBridge): Transport {
  return { request: bridge.request, subscribe: bridge.onEvent };
}

/** The loopback host's WebSocket; requests queue until it is open. */
function webSocketTransport(token: string): Transport {
  const listeners = new Set<(event: ApiEvent) => void>();
  const pending = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>();
  let nextId = 1;
  const socket = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
  socket.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () =>
      reject(new Error('Cannot reach the SIJ Reader host. Is `sij serve` still running?')),
    );
  });
  socket.addEventListener('close', () => {
    for (const settle of pending.values()) {
      settle({ error: { code: 'internal', message: 'The connection to the SIJ Reader host was closed.' } });
    }
    pending.clear();
  });
  socket.addEventListener('message', (message: MessageEvent<string | ArrayBuffer>) => {
    const data = decodeMessage(message.data) as { id?: number; event?: string } & Record<string, unknown>;
    if (typeof data.event === 'string') {
      for (const l of listeners) l(data as unknown as ApiEvent);
    } else if (typeof data.id === 'number') {
      pending.get(data.id)?.(data as { result?: unknown; error?: unknown });
      pending.delete(data.id);
    }
  });
  return {
    async request(method, params) {
      await opened;
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function connect(): ApiClient {
  if (window.sijApi) return createApiClient(ipcTransport(window.sijApi));
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('This page needs the link with its token, as printed by `sij serve`.');
  return createApiClient(webSocketTransport(token));
}

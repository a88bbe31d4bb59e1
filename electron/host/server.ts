import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeMessage, encodeMessage, type ApiEvent, type Dispatcher } from '../api';
import {
  contentSecurityPolicy,
  hostAllowed,
  newToken,
  originAllowed,
  tokenCookieName,
  tokenFromRequest,
  tokensEqual,
} from './security';
import { readStatic, resolveStatic } from './static-files';

export interface HostOptions {
  dispatch: Dispatcher;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** The built renderer (renderer/dist); null serves only the API. */
  staticRoot: string | null;
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface LoopbackHost {
  /** The page URL with its token: the one thing a user needs to open the UI. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1 << 20;

function send(res: ServerResponse, status: number, body: string | Uint8Array, type: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(body);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  send(res, status, message + '\n', 'text/plain; charset=utf-8');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves the renderer and the API on 127.0.0.1 only. Every request must carry the per-launch
 * token (query, bearer header, or the cookie set when the page was opened with it), a Host of
 * this loopback address, and, for the WebSocket and API calls from a page, this page's Origin.
 */
export async function startLoopbackHost(options: HostOptions): Promise<LoopbackHost> {
  const token = options.token ?? newToken();
  const log = options.log ?? (() => {});
  let port = 0;
  const sockets = new Set<WebSocket>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) refuse(res, 500, 'The SIJ Reader host failed to answer; see its log.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostAllowed(req, port)) return refuse(res, 403, 'Refused: unknown Host header.');
    if (!originAllowed(req, port, false)) return refuse(res, 403, 'Refused: request from another origin.');
    if (!tokensEqual(token, tokenFromRequest(req, url, port))) {
      return refuse(
        res,
        401,
        'Refused: this SIJ Reader host needs the link with its token, as printed by `sij serve`.',
      );
    }
    if (url.pathname === '/api') {
      if (req.method !== 'POST') return refuse(res, 405, 'POST a JSON request {id, method, params} to /api.');
      let request: unknown;
      try {
        request = JSON.parse(await readBody(req));
      } catch {
        return refuse(res, 400, 'The request body is not JSON.');
      }
      const reply = encodeMessage(await options.dispatch(request));
      return typeof reply === 'string'
        ? send(res, 200, reply, 'application/json')
        : send(res, 200, reply, 'application/octet-stream');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    if (!options.staticRoot) return refuse(res, 404, 'This host serves only the API.');
    const found = await resolveStatic(options.staticRoot, url.pathname);
    if (!found) return refuse(res, 404, `Not found: ${url.pathname}`);
    const headers: Record<string, string> = {
      'Content-Type': found.type,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': contentSecurityPolicy(port),
    };
    if (url.searchParams.has('token')) {
      headers['Set-Cookie'] = `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : await readStatic(found.file));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const ok =
      url.pathname === '/ws' &&
      hostAllowed(req, port) &&
      originAllowed(req, port, true) &&
      tokensEqual(token, tokenFromRequest(req, url, port));
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        void (async () => {
          let request: unknown;
          try {
            request = decodeMessage(isBinary ? (data as Buffer) : (data as Buffer).toString('utf8'));
          } catch {
            request = null;
          }
          ws.send(encodeMessage(await options.dispatch(request)));
        })();
      });
    });
  });

  const unsubscribe = options.subscribe((event) => {
    const frame = encodeMessage(event);
    for (const ws of sockets) ws.send(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

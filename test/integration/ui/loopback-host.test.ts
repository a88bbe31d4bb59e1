import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDispatcher, decodeMessage } from '../../../electron/api';
import { startLoopbackHost, type LoopbackHost } from '../../../electron/host';
import { createServices, type StudyCatalog } from '../../../electron/services';

const voxels = new Float32Array(4 * 3 * 2).map((_, i) => i * 0.5);
const catalog: StudyCatalog = {
  async list() {
    return [];
  },
  async importPaths() {
    return { studies: [], filesRead: 0, skipped: [] };
  },
  async loadStack() {
    return {
      dims: [4, 3, 2],
      spacing: [1, 1, 2],
      affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1],
      data: voxels,
    };
  },
  findStudy() {
    return null;
  },
  localExams() {
    return [];
  },
};

let host: LoopbackHost;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'sij-host-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>SIJ</title>');
  writeFileSync(path.join(tmpdir(), 'sij-host-secret.txt'), 'secret');
  const services = createServices({
    catalog,
    engine: null,
    info: { version: 't', transport: 'loopback', dataDir: root, openOnStart: null },
  });
  host = await startLoopbackHost({
    dispatch: createDispatcher(services.handlers),
    subscribe: (l) => services.bus.subscribe(l),
    staticRoot: root,
  });
});
afterAll(() => host.close());

const base = () => `http://127.0.0.1:${host.port}`;

function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('loopback host', () => {
  it('binds to 127.0.0.1 and gives a URL carrying its token', () => {
    expect(host.url).toBe(`${base()}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the page with a strict CSP and a same-site cookie only with the right token', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401);
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(401);
    const ok = await fetch(host.url);
    expect(ok.status).toBe(200);
    const csp = ok.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const again = await fetch(`${base()}/index.html`, { headers: { cookie: cookie.split(';')[0] } });
    expect(again.status).toBe(200);
  });

  it('refuses other origins, foreign Host headers and paths outside the renderer', async () => {
    const evil = await fetch(host.url, { headers: { origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    // fetch cannot set Host; a raw request can.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: `/?token=${host.token}`,
          headers: { host: 'rebind.example' },
        },
        (res) => resolve(res.statusCode ?? 0),
      ).end();
    });
    expect(status).toBe(403);
    const traversal = await fetch(`${base()}/..%2fsij-host-secret.txt?token=${host.token}`);
    expect(traversal.status).toBe(404);
  });

  it('answers API calls over HTTP with the token and refuses them without', async () => {
    const body = JSON.stringify({ id: 1, method: 'app.info', params: {} });
    expect((await fetch(`${base()}/api`, { method: 'POST', body })).status).toBe(401);
    const res = await fetch(`${base()}/api`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${host.token}` },
    });
    expect(await res.json()).toMatchObject({ id: 1, result: { transport: 'loopback' } });
  });

  it('WebSocket: refuses a missing token or a foreign origin, streams volumes as binary frames', async () => {
    const origin = base();
    await expect(openSocket(`ws://127.0.0.1:${host.port}/ws`, { origin })).rejects.toThrow();
    await expect(
      openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow();
    await expect(openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, {})).rejects.toThrow();
    const ws = await openSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin });
    const reply = await new Promise<unknown>((resolve) => {
      ws.once('message', (data, isBinary) =>
        resolve(decodeMessage(isBinary ? (data as Buffer) : String(data))),
      );
      ws.send(
        JSON.stringify({ id: 4, method: 'volumes.get', params: { studyInstanceUid: 's', stackId: 'a#0' } }),
      );
    });
    const result = (reply as { id: number; result: { data: Float32Array; dims: number[] } }).result;
    expect(result.dims).toEqual([4, 3, 2]);
    expect(Array.from(result.data)).toEqual(Array.from(voxels));
    ws.close();
  });
});

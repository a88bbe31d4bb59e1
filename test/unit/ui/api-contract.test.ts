import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  createApiClient,
  createDispatcher,
  decodeMessage,
  encodeMessage,
  type Handlers,
} from '../../../electron/api';
import { createServices, type StudyCatalog } from '../../../electron/services';

const volume = {
  dims: [2, 2, 2] as [number, number, number],
  spacing: [1, 1, 3] as [number, number, number],
  affine: [1, 0, 0, 10, 0, 1, 0, 20, 0, 0, 3, 30, 0, 0, 0, 1],
  data: new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]),
};

const catalog: StudyCatalog = {
  async list() {
    return [];
  },
  async importPaths(paths) {
    return { studies: [], filesRead: 0, skipped: paths.map((p) => ({ path: p, reason: 'not DICOM' })) };
  },
  async loadStack() {
    return volume;
  },
  findStudy() {
    return null;
  },
  localExams() {
    return [];
  },
};

function handlers(): Handlers {
  return createServices({
    catalog,
    engine: null,
    info: {
      version: '0.0.0',
      transport: 'loopback',
      dataDir: mkdtempSync(path.join(tmpdir(), 'sij-api-')),
      openOnStart: null,
    },
  }).handlers;
}

describe('dispatcher: the contract at the boundary', () => {
  it('rejects unknown methods, malformed envelopes and bad params with bad_request', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch({ id: 1, method: 'fs.readFile', params: {} })).toEqual({
      id: 1,
      error: { code: 'bad_request', message: "Unknown method 'fs.readFile'." },
    });
    expect(await dispatch('nonsense')).toMatchObject({ id: -1, error: { code: 'bad_request' } });
    const missing = await dispatch({ id: 2, method: 'volumes.get', params: { stackId: 'a' } });
    expect(missing).toMatchObject({ id: 2, error: { code: 'bad_request' } });
    expect((missing as { error: { message: string } }).error.message).toContain('studyInstanceUid');
    const extra = await dispatch({ id: 3, method: 'studies.list', params: { sql: 'drop table' } });
    expect(extra).toMatchObject({ error: { code: 'bad_request' } });
    const proto = await dispatch({ id: 4, method: 'constructor', params: {} });
    expect(proto).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('maps ApiError to its code and a result outside the contract to internal', async () => {
    const h = handlers();
    h['studies.list'] = async () => [{ bogus: true }] as never;
    const logged: string[] = [];
    const dispatch = createDispatcher(h, (m) => logged.push(m));
    expect(await dispatch({ id: 5, method: 'studies.list', params: {} })).toMatchObject({
      error: { code: 'internal' },
    });
    expect(logged[0]).toContain('studies.list');
    const imp = await dispatch({ id: 6, method: 'studies.import', params: { paths: ['/nope'] } });
    expect(imp).toMatchObject({ error: { code: 'unreadable' } });
    expect((imp as { error: { message: string } }).error.message).toContain('/nope: not DICOM');
  });

  it('returns a volume with its percentiles computed from the voxels', async () => {
    const dispatch = createDispatcher(handlers());
    const reply = (await dispatch({
      id: 7,
      method: 'volumes.get',
      params: { studyInstanceUid: 's', stackId: 'x#0' },
    })) as { result: { data: Float32Array; range: { min: number; max: number } } };
    expect(Array.from(reply.result.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(reply.result.range.min).toBe(0);
    expect(reply.result.range.max).toBe(7);
  });
});

describe('wire framing', () => {
  it('round-trips Float32Arrays exactly through a binary frame and leaves plain messages as text', () => {
    const data = new Float32Array([1.5, -2.25, Math.PI, 1e-30]);
    const cam = new Float32Array([0.25, 0.5, 0.75]);
    const frame = encodeMessage({ id: 9, result: { name: 'ß-x', data, nested: [{ cam }] } });
    expect(frame).toBeInstanceOf(Uint8Array);
    const back = decodeMessage(frame) as {
      id: number;
      result: { name: string; data: Float32Array; nested: { cam: Float32Array }[] };
    };
    expect(back.id).toBe(9);
    expect(back.result.name).toBe('ß-x');
    expect(Array.from(back.result.data)).toEqual(Array.from(data));
    expect(Array.from(back.result.nested[0].cam)).toEqual(Array.from(cam));
    expect(typeof encodeMessage({ event: 'x', payload: { a: 1 } })).toBe('string');
  });

  it('reads a browser ArrayBuffer frame as views over it, values exact', () => {
    const data = new Float32Array([7, -0.5, 3.25]);
    const frame = encodeMessage({ id: 1, result: { label: 'abc', data } }) as Uint8Array;
    const buffer = frame.slice().buffer;
    const back = decodeMessage(buffer) as { result: { data: Float32Array } };
    expect(Array.from(back.result.data)).toEqual([7, -0.5, 3.25]);
    expect(back.result.data.buffer).toBe(buffer);
  });

  it('refuses a truncated binary frame with a message', () => {
    const frame = encodeMessage({ data: new Float32Array(8) }) as Uint8Array;
    expect(() => decodeMessage(frame.subarray(0, frame.length - 4))).toThrow(/truncated/);
  });
});

describe('client', () => {
  it('validates results and turns error payloads into ApiError with the message', async () => {
    const dispatch = createDispatcher(handlers());
    let id = 0;
    const client = createApiClient({
      request: (method, params) => dispatch({ id: id++, method, params }),
      subscribe: () => () => {},
    });
    const info = await client.call('app.info', {});
    expect(info.transport).toBe('loopback');
    await expect(client.call('inference.run', { studyInstanceUid: 'x' })).rejects.toMatchObject({
      code: 'model_unavailable',
    });
    await expect(client.call('inference.run', { studyInstanceUid: 'x' })).rejects.toBeInstanceOf(ApiError);
  });
});

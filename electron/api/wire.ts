/**
 * WebSocket framing. Plain messages travel as JSON text. Messages holding Float32Array (volumes,
 * CAMs) travel as one binary frame so voxels are never turned into text:
 *   u32 LE header length | header JSON (arrays replaced by {"$f32": index}) | pad to 4 | arrays.
 */
interface BinaryRef {
  $f32: number;
  length: number;
}

function isRef(v: unknown): v is BinaryRef {
  return typeof v === 'object' && v !== null && typeof (v as BinaryRef).$f32 === 'number';
}

export function encodeMessage(message: unknown): string | Uint8Array {
  const arrays: Float32Array[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Float32Array) {
      arrays.push(value);
      return { $f32: arrays.length - 1, length: value.length } satisfies BinaryRef;
    }
    return value;
  });
  if (arrays.length === 0) return json;
  const header = new TextEncoder().encode(json);
  const headerEnd = 4 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const total = dataStart + arrays.reduce((n, a) => n + a.byteLength, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let offset = dataStart;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

export function decodeMessage(frame: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof frame === 'string') return JSON.parse(frame);
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.length < 4) throw new Error('binary frame shorter than its header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > bytes.length) throw new Error('binary frame header overruns the frame');
  const header = new TextDecoder().decode(bytes.subarray(4, 4 + headerLength));
  const dataStart = Math.ceil((4 + headerLength) / 4) * 4;
  const refs: BinaryRef[] = [];
  const parsed: unknown = JSON.parse(header, (_key, value: unknown) => {
    if (isRef(value)) refs.push(value);
    return value;
  });
  // Arrays follow in the order they were encoded, which is the order their refs appear.
  const arrays = new Map<number, Float32Array>();
  let offset = dataStart;
  for (const ref of [...refs].sort((a, b) => a.$f32 - b.$f32)) {
    const byteLength = ref.length * 4;
    if (offset + byteLength > bytes.length) throw new Error('binary frame is truncated');
    if (frame instanceof ArrayBuffer) {
      // A browser's message buffer is the frame's alone (and dataStart is 4-aligned): a view
      // saves copying the voxels once more.
      arrays.set(ref.$f32, new Float32Array(frame, offset, ref.length));
    } else {
      // Copy into an aligned buffer of its own so the caller may keep or transfer it (a Node
      // Buffer's slice would share the pooled memory).
      const copy = new Uint8Array(byteLength);
      copy.set(bytes.subarray(offset, offset + byteLength));
      arrays.set(ref.$f32, new Float32Array(copy.buffer));
    }
    offset += byteLength;
  }
  const revive = (value: unknown): unknown => {
    if (isRef(value)) return arrays.get(value.$f32);
    if (Array.isArray(value)) return value.map(revive);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
    }
    return value;
  };
  return revive(parsed);
}

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The decoder objects the Cornerstone wasm codecs expose (same shape for all three). */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned?: boolean;
  };
  getNearLossless?(): number;
  delete?(): void;
}

type Factory = (options: {
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<Record<string, new () => WasmDecoder>>;
const modules = new Map<string, Promise<Record<string, new () => WasmDecoder>>>();
const decoders = new Map<string, WasmDecoder>();

/** One decoder per codec, created on first use; the wasm instance is reused for every frame. */
export async function wasmDecoder(pkg: string, className: string): Promise<WasmDecoder> {
  const key = `${pkg}#${className}`;
  const existing = decoders.get(key);
  if (existing) return existing;
  let mod = modules.get(pkg);
  if (!mod) {
    // OpenJPEG logs every header it reads; that chatter must not reach the CLI's stdout.
    mod = (require(pkg) as Factory)({ print: () => {}, printErr: () => {} });
    modules.set(pkg, mod);
  }
  const decoder = new (await mod)[className]();
  decoders.set(key, decoder);
  return decoder;
}

/** Runs one frame through a wasm decoder; the result is copied out of wasm memory. */
export function runWasm(
  decoder: WasmDecoder,
  encoded: Uint8Array,
): { data: Uint8Array; info: ReturnType<WasmDecoder['getFrameInfo']> } {
  decoder.getEncodedBuffer(encoded.length).set(encoded);
  decoder.decode();
  const info = decoder.getFrameInfo();
  return { data: decoder.getDecodedBuffer().slice(), info };
}

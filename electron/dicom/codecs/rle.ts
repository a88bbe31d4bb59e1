/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment
 * per byte plane, most significant byte first. Returns little-endian samples interleaved by pixel.
 */
export function decodeRle(
  frame: Uint8Array,
  rows: number,
  columns: number,
  samples: number,
  bitsAllocated: number,
): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.byteLength < 64) throw new Error('RLE frame shorter than its 64-byte header');
  const segments = view.getUint32(0, true);
  const bytesPerSample = bitsAllocated / 8;
  if (segments !== samples * bytesPerSample) {
    throw new Error(`RLE frame has ${segments} segments, expected ${samples * bytesPerSample}`);
  }
  const pixels = rows * columns;
  const out = new Uint8Array(pixels * samples * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.byteLength;
    const sample = Math.floor(s / bytesPerSample);
    // Segment order within a sample is most significant byte first; output is little endian.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const stride = samples * bytesPerSample;
    let o = sample * bytesPerSample + byteInSample;
    let written = 0;
    let i = start;
    while (i < end && written < pixels) {
      const n = (frame[i++] << 24) >> 24;
      if (n >= 0) {
        for (let k = 0; k <= n && written < pixels; k++, written++, o += stride) out[o] = frame[i++];
      } else if (n !== -128) {
        const value = frame[i++];
        for (let k = 0; k < 1 - n && written < pixels; k++, written++, o += stride) out[o] = value;
      }
    }
    if (written < pixels) throw new Error(`RLE segment ${s + 1} ends after ${written} of ${pixels} pixels`);
  }
  return out;
}

/**
 * Reads the entropy-coded segment of a scan most significant bit first (T.81 F.2.2.5). A 0xFF
 * data byte is followed by a stuffed 0x00, which is dropped; any other byte after 0xFF is a
 * marker, where reading stops and zero bits are supplied instead, so the decoder can finish
 * the bits it holds. Supplied bits that are actually consumed mean the data ended early.
 */
export class BitReader {
  private buffer = 0;
  private bits = 0;
  /** How many of the buffered bits (the lowest) are padding past a marker or the end. */
  private paddingBits = 0;
  private atMarker = false;

  constructor(
    private readonly data: Uint8Array,
    /** Next unread byte; at a marker, the position of its 0xFF. */
    public position: number,
  ) {}

  private fill(): void {
    while (this.bits <= 24) {
      let byte = 0;
      if (!this.atMarker && this.position < this.data.length) {
        byte = this.data[this.position];
        if (byte === 0xff) {
          if (this.data[this.position + 1] === 0x00) this.position += 2;
          else {
            this.atMarker = true;
            byte = 0;
          }
        } else this.position++;
      } else this.atMarker = true;
      if (this.atMarker) this.paddingBits += 8;
      this.buffer = (this.buffer << 8) | byte;
      this.bits += 8;
    }
  }

  /** The next `n` (1..16) bits without consuming them. */
  peek(n: number): number {
    if (this.bits < n) this.fill();
    return (this.buffer >>> (this.bits - n)) & ((1 << n) - 1);
  }

  skip(n: number): void {
    if (this.bits < n) this.fill();
    this.bits -= n;
    if (this.paddingBits > this.bits)
      throw new Error('JPEG entropy-coded data ends early (truncated frame?)');
  }

  read(n: number): number {
    const v = this.peek(n);
    this.skip(n);
    return v;
  }

  /**
   * Drops the bits left of the current byte and steps over the restart marker RSTn that must
   * come next (T.81 F.1.2.3); fill bytes 0xFF before it are allowed.
   */
  restart(): void {
    this.buffer = 0;
    this.bits = 0;
    this.paddingBits = 0;
    this.atMarker = false;
    let p = this.position;
    while (p + 1 < this.data.length && this.data[p] === 0xff && this.data[p + 1] === 0xff) p++;
    const marker = this.data[p + 1];
    if (this.data[p] !== 0xff || marker < 0xd0 || marker > 0xd7) {
      throw new Error(`JPEG restart marker expected at byte ${p}`);
    }
    this.position = p + 2;
  }
}

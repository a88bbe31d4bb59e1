/**
 * Smooth functions of one coordinate, tabulated at a fine step and linearly interpolated. The
 * anatomy's outlines depend on the height along the sacrum through many rounded ramps and
 * clamps (square roots and exponentials); per point, one lookup replaces them all.
 */
export class AxisTable {
  private readonly values: Float32Array;
  private readonly inverseStep: number;
  private readonly last: number;
  /** the row and interpolation weight found by the last `seek` */
  private base = 0;
  private frac = 0.5;

  constructor(
    private readonly start: number,
    end: number,
    step: number,
    private readonly columns: number,
    fill: (x: number, column: number) => number,
  ) {
    const count = Math.ceil((end - start) / step) + 1;
    this.values = new Float32Array(count * columns);
    this.inverseStep = 1 / step;
    this.last = count - 2;
    for (let n = 0; n < count; n++) {
      for (let c = 0; c < columns; c++) this.values[n * columns + c] = fill(start + n * step, c);
    }
  }

  /** Find x (clamped to the table's range); `value` then reads any column there. */
  seek(x: number): void {
    let f = (x - this.start) * this.inverseStep;
    if (f < 0) f = 0;
    let n = f | 0;
    if (n > this.last) n = this.last;
    this.frac = f - n > 1 ? 1 : f - n;
    this.base = n * this.columns;
  }

  value(column: number): number {
    const a = this.values[this.base + column];
    return a + this.frac * (this.values[this.base + this.columns + column] - a);
  }
}

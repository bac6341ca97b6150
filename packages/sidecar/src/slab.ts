/**
 * Hands out byte ranges carved from large blocks, so that storing an envelope does not cost an
 * allocation (and its share of garbage collection) per body and per frame. It suits the ring
 * buffer: ranges are taken in arrival order and released in the same order (eviction is oldest
 * first), so a block is freed once the envelopes carved from it are evicted, and at most about one
 * block is held beyond what the buffer counts. Only data that is kept should be carved.
 */
export class SlabAllocator {
  private block: Buffer;
  private offset = 0;

  constructor(
    private readonly blockSize = 1024 * 1024,
    /** Larger requests get an allocation of their own. */
    private readonly maxCarve = 128 * 1024,
  ) {
    this.block = Buffer.allocUnsafeSlow(blockSize);
  }

  alloc(size: number): Buffer {
    if (size > this.maxCarve) return Buffer.allocUnsafeSlow(size);
    if (this.offset + size > this.block.length) {
      this.block = Buffer.allocUnsafeSlow(this.blockSize);
      this.offset = 0;
    }
    const out = this.block.subarray(this.offset, this.offset + size);
    // 8-byte alignment keeps later ranges friendly to typed-array views.
    this.offset += (size + 7) & ~7;
    return out;
  }

  /** Copies bytes into a carved range. */
  copy(bytes: Uint8Array): Buffer {
    const out = this.alloc(bytes.byteLength);
    out.set(bytes);
    return out;
  }
}

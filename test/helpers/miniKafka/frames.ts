/** Largest request we accept; a bigger length prefix means a confused client, not data. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Splits a TCP byte stream into Kafka frames (int32 size, then that many bytes). TCP may
 * deliver a frame in pieces or several frames at once, so bytes are kept until complete.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Returns the frames completed by this chunk; throws on an impossible size. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Buffer[] = [];
    while (this.pending.length >= 4) {
      const size = this.pending.readInt32BE(0);
      if (size < 0 || size > MAX_FRAME_BYTES) throw new RangeError(`frame size ${size}`);
      if (this.pending.length < 4 + size) break;
      frames.push(this.pending.subarray(4, 4 + size));
      this.pending = this.pending.subarray(4 + size);
    }
    return frames;
  }
}

export function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

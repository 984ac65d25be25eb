/**
 * Kafka protocol primitives, both directions. "Compact" types (flexible API versions) carry
 * their length as an unsigned varint of length + 1, where 0 means null; record fields use
 * zigzag varints. Reads throw RangeError past the end, which the connection treats as a
 * malformed request.
 */
export class WireReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private take(n: number): number {
    if (n < 0 || this.offset + n > this.buf.length) throw new RangeError(`read of ${n} bytes past the end`);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number { return this.buf.readInt8(this.take(1)); }
  int16(): number { return this.buf.readInt16BE(this.take(2)); }
  int32(): number { return this.buf.readInt32BE(this.take(4)); }
  uint32(): number { return this.buf.readUInt32BE(this.take(4)); }
  int64(): bigint { return this.buf.readBigInt64BE(this.take(8)); }
  bytes(n: number): Buffer { const at = this.take(n); return this.buf.subarray(at, at + n); }
  rest(): Buffer { return this.bytes(this.remaining); }
  boolean(): boolean { return this.int8() !== 0; }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf.readUInt8(this.take(1));
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new RangeError('varint longer than 5 bytes');
  }

  varint(): number {
    const raw = this.unsignedVarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  varlong(): bigint {
    let raw = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = BigInt(this.buf.readUInt8(this.take(1)));
      raw |= (byte & 0x7fn) << shift;
      if ((byte & 0x80n) === 0n) return (raw >> 1n) ^ -(raw & 1n);
    }
    throw new RangeError('varlong longer than 10 bytes');
  }

  /** STRING / NULLABLE_STRING: int16 length, -1 for null. */
  legacyString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.bytes(length).toString('utf8');
  }

  compactString(): string | null {
    const length = this.unsignedVarint() - 1;
    return length < 0 ? null : this.bytes(length).toString('utf8');
  }

  compactBytes(): Buffer | null {
    const length = this.unsignedVarint() - 1;
    return length < 0 ? null : this.bytes(length);
  }

  /** Record key, value and header fields: zigzag varint length, -1 for null. */
  varintBytes(): Buffer | null {
    const length = this.varint();
    return length < 0 ? null : this.bytes(length);
  }

  compactArray<T>(item: (r: WireReader) => T): T[] | null {
    const length = this.unsignedVarint() - 1;
    if (length < 0) return null;
    return Array.from({ length }, () => item(this));
  }

  /** We never define tagged fields, so any the client sends are skipped. */
  taggedFields(): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.bytes(this.unsignedVarint());
    }
  }
}

export class WireWriter {
  private readonly parts: Buffer[] = [];

  private fixed(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.parts.push(b);
    return this;
  }

  int8(v: number): this { return this.fixed(1, (b) => b.writeInt8(v)); }
  int16(v: number): this { return this.fixed(2, (b) => b.writeInt16BE(v)); }
  int32(v: number): this { return this.fixed(4, (b) => b.writeInt32BE(v)); }
  int64(v: bigint): this { return this.fixed(8, (b) => b.writeBigInt64BE(v)); }
  boolean(v: boolean): this { return this.int8(v ? 1 : 0); }
  raw(b: Buffer): this { this.parts.push(b); return this; }

  unsignedVarint(v: number): this {
    const out: number[] = [];
    let rest = v;
    while (rest >= 0x80) {
      out.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    out.push(rest);
    return this.raw(Buffer.from(out));
  }

  legacyString(v: string): this {
    const b = Buffer.from(v, 'utf8');
    return this.int16(b.length).raw(b);
  }

  compactString(v: string | null): this {
    if (v === null) return this.unsignedVarint(0);
    const b = Buffer.from(v, 'utf8');
    return this.unsignedVarint(b.length + 1).raw(b);
  }

  compactBytes(v: Buffer): this {
    return this.unsignedVarint(v.length + 1).raw(v);
  }

  legacyArray<T>(items: T[], item: (w: WireWriter, v: T) => void): this {
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  /** Flexible-version struct arrays end each element with its (empty) tagged fields. */
  compactArray<T>(items: T[], item: (w: WireWriter, v: T) => void, tagged = true): this {
    this.unsignedVarint(items.length + 1);
    for (const v of items) {
      item(this, v);
      if (tagged) this.taggedFields();
    }
    return this;
  }

  taggedFields(): this {
    return this.unsignedVarint(0);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

import { crc32c } from './crc32c.js';
import { ErrorCode } from './errorCodes.js';
import { WireReader } from './wire.js';

/** One record of a v2 RecordBatch, offsets still relative to the batch. */
export interface DecodedRecord {
  offsetDelta: number;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer | null][];
}

export interface DecodedBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  records: DecodedRecord[];
}

export type BatchDecodeResult = { ok: true; batches: DecodedBatch[] } | { ok: false; errorCode: number; message: string };

/** Bits 0-2 of the batch attributes; the producer under test does not compress. */
const COMPRESSION_MASK = 0x07;

/** Decodes the RECORDS field of one partition of a Produce request: one or more v2 batches. */
export function decodeRecordBatches(records: Buffer): BatchDecodeResult {
  const batches: DecodedBatch[] = [];
  const r = new WireReader(records);
  try {
    while (r.remaining > 0) {
      const result = decodeBatch(r);
      if (!result.ok) return result;
      batches.push(result.batch);
    }
  } catch (error) {
    return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, message: `truncated batch: ${(error as Error).message}` };
  }
  return { ok: true, batches };
}

function decodeBatch(r: WireReader): { ok: true; batch: DecodedBatch } | { ok: false; errorCode: number; message: string } {
  r.int64(); // base_offset: the broker assigns offsets
  const length = r.int32();
  const body = new WireReader(r.bytes(length));
  body.int32(); // partition_leader_epoch
  const magic = body.int8();
  if (magic !== 2) return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, message: `record batch magic ${magic}, only 2 is supported` };
  const crc = body.uint32();
  const checked = body.rest(); // the CRC covers everything after itself
  if (crc32c(checked) !== crc) return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, message: 'record batch CRC mismatch' };

  const b = new WireReader(checked);
  const attributes = b.int16();
  if ((attributes & COMPRESSION_MASK) !== 0) {
    return { ok: false, errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, message: 'only uncompressed batches are supported' };
  }
  b.int32(); // last_offset_delta
  const baseTimestamp = b.int64();
  b.int64(); // max_timestamp
  const producerId = b.int64();
  const producerEpoch = b.int16();
  const baseSequence = b.int32();
  const count = b.int32();
  const records = Array.from({ length: count }, () => decodeRecord(b, baseTimestamp));
  return { ok: true, batch: { producerId, producerEpoch, baseSequence, records } };
}

function decodeRecord(b: WireReader, baseTimestamp: bigint): DecodedRecord {
  const r = new WireReader(b.bytes(b.varint()));
  r.int8(); // attributes: unused in v2 records
  const timestamp = baseTimestamp + r.varlong();
  const offsetDelta = r.varint();
  const key = r.varintBytes();
  const value = r.varintBytes();
  const headerCount = r.varint();
  const headers = Array.from({ length: headerCount }, (): [string, Buffer | null] => [
    (r.varintBytes() ?? Buffer.alloc(0)).toString('utf8'),
    r.varintBytes(),
  ]);
  return { offsetDelta, timestamp, key, value, headers };
}

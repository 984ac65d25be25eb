import { WireReader, WireWriter } from '../wire.js';

/**
 * Produce v11 (key 0). v9 to v11 share this layout; the later versions only add tagged fields
 * (new leader hints) that a broker may leave out, so one codec would serve all three, but we
 * advertise just the version the client picks against a current broker.
 */
export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: { name: string; partitions: { index: number; records: Buffer | null }[] }[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  errorMessage: string | null;
}

export function decodeProduceRequest(r: WireReader): ProduceRequest {
  const transactionalId = r.compactString();
  const acks = r.int16();
  const timeoutMs = r.int32();
  const topics =
    r.compactArray((t) => {
      const name = t.compactString() ?? '';
      const partitions =
        t.compactArray((p) => {
          const partition = { index: p.int32(), records: p.compactBytes() };
          p.taggedFields();
          return partition;
        }) ?? [];
      t.taggedFields();
      return { name, partitions };
    }) ?? [];
  r.taggedFields();
  return { transactionalId, acks, timeoutMs, topics };
}

export function encodeProduceResponse(topics: { name: string; partitions: ProducePartitionResponse[] }[]): Buffer {
  return new WireWriter()
    .compactArray(topics, (w, t) =>
      w.compactString(t.name).compactArray(t.partitions, (p, r) =>
        p
          .int32(r.index)
          .int16(r.errorCode)
          .int64(r.baseOffset)
          .int64(-1n) // log_append_time_ms: -1 as the topic uses CreateTime
          .int64(0n) // log_start_offset
          .compactArray([] as unknown[], () => {}) // record_errors
          .compactString(r.errorMessage),
      ),
    )
    .int32(0) // throttle_time_ms
    .taggedFields()
    .toBuffer();
}

import { randomBytes } from 'node:crypto';
import { ErrorCode } from './errorCodes.js';
import type { DecodedBatch } from './recordBatch.js';

/** A record as the broker stored it, decoded for assertions. */
export interface StoredRecord {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  offset: number;
}

export interface AppendResult {
  errorCode: number;
  baseOffset: bigint;
  errorMessage: string | null;
}

interface SequenceState {
  nextSequence: number;
  last: { baseSequence: number; count: number; baseOffset: number } | null;
}

/**
 * The broker's storage: topics with one partition each, the records appended to them, and
 * per-producer sequence numbers so an idempotent producer's resent batch is acknowledged
 * without being stored twice, as a real broker does.
 */
export class TopicLog {
  readonly records: StoredRecord[] = [];
  private readonly topics = new Map<string, { id: Buffer; nextOffset: number }>();
  private readonly sequences = new Map<string, SequenceState>();

  /** With `fixedTopics`, only those exist; otherwise any topic is created when first named. */
  constructor(private readonly fixedTopics: string[] | null) {
    for (const name of fixedTopics ?? []) this.topics.set(name, { id: randomBytes(16), nextOffset: 0 });
  }

  /** The topic's id, creating the topic if allowed; null when it does not exist. */
  topicId(name: string): Buffer | null {
    const existing = this.topics.get(name);
    if (existing) return existing.id;
    if (this.fixedTopics !== null) return null;
    const created = { id: randomBytes(16), nextOffset: 0 };
    this.topics.set(name, created);
    return created.id;
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  append(topic: string, partition: number, batches: DecodedBatch[]): AppendResult {
    const state = this.topics.get(topic);
    if (!state || partition !== 0) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n, errorMessage: null };
    let baseOffset: number | null = null;
    for (const batch of batches) {
      const offset = this.appendBatch(topic, partition, state, batch);
      if (typeof offset !== 'number') return offset;
      baseOffset ??= offset;
    }
    return { errorCode: ErrorCode.NONE, baseOffset: BigInt(baseOffset ?? state.nextOffset), errorMessage: null };
  }

  private appendBatch(topic: string, partition: number, state: { nextOffset: number }, batch: DecodedBatch): number | AppendResult {
    const idempotent = batch.producerId >= 0n;
    const key = `${batch.producerId}:${topic}:${partition}`;
    const seq = this.sequences.get(key) ?? { nextSequence: 0, last: null };
    if (idempotent) {
      const last = seq.last;
      if (last && last.baseSequence === batch.baseSequence && last.count === batch.records.length) return last.baseOffset;
      if (batch.baseSequence !== seq.nextSequence) {
        const errorMessage = `expected sequence ${seq.nextSequence}, got ${batch.baseSequence}`;
        return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n, errorMessage };
      }
    }
    const baseOffset = state.nextOffset;
    for (const record of batch.records) {
      this.records.push({
        topic,
        partition,
        key: record.key?.toString('utf8') ?? null,
        value: record.value?.toString('utf8') ?? null,
        headers: Object.fromEntries(record.headers.map(([k, v]) => [k, v?.toString('utf8') ?? ''])),
        offset: baseOffset + record.offsetDelta,
      });
    }
    state.nextOffset = baseOffset + batch.records.length;
    if (idempotent) {
      this.sequences.set(key, {
        nextSequence: batch.baseSequence + batch.records.length,
        last: { baseSequence: batch.baseSequence, count: batch.records.length, baseOffset },
      });
    }
    return baseOffset;
  }
}

import { WireReader, WireWriter } from '../wire.js';

/** InitProducerId v5 (key 22): an idempotent producer gets its producer id and epoch here. */
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId: bigint;
  producerEpoch: number;
}

export function decodeInitProducerIdRequest(r: WireReader): InitProducerIdRequest {
  const request = {
    transactionalId: r.compactString(),
    transactionTimeoutMs: r.int32(),
    producerId: r.int64(),
    producerEpoch: r.int16(),
  };
  r.taggedFields();
  return request;
}

export function encodeInitProducerIdResponse(errorCode: number, producerId: bigint, producerEpoch: number): Buffer {
  return new WireWriter().int32(0).int16(errorCode).int64(producerId).int16(producerEpoch).taggedFields().toBuffer();
}

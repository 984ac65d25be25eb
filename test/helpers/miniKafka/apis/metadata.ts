import { WireReader, WireWriter } from '../wire.js';

/** Metadata v12 (key 3): which brokers exist and which one leads each partition of a topic. */
export interface MetadataRequest {
  /** null asks for every topic. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  /** 16 bytes; all zero for a topic that does not exist. */
  topicId: Buffer;
  partitions: number[];
  leaderId: number;
}

/** Sent when the client did not ask for authorized operations. */
const OPERATIONS_NOT_REQUESTED = -2147483648;

export function decodeMetadataRequest(r: WireReader): MetadataRequest {
  const topics = r.compactArray((t) => {
    t.bytes(16); // topic_id: the producer looks topics up by name
    const name = t.compactString();
    t.taggedFields();
    return name ?? '';
  });
  const allowAutoTopicCreation = r.boolean();
  r.boolean(); // include_topic_authorized_operations
  r.taggedFields();
  return { topics, allowAutoTopicCreation };
}

export function encodeMetadataResponse(clusterId: string, controllerId: number, brokers: MetadataBroker[], topics: MetadataTopic[]): Buffer {
  return new WireWriter()
    .int32(0) // throttle_time_ms
    .compactArray(brokers, (w, b) => w.int32(b.nodeId).compactString(b.host).int32(b.port).compactString(null))
    .compactString(clusterId)
    .int32(controllerId)
    .compactArray(topics, (w, t) =>
      w
        .int16(t.errorCode)
        .compactString(t.name)
        .raw(t.topicId)
        .boolean(false) // is_internal
        .compactArray(t.partitions, (p, index) =>
          p
            .int16(0)
            .int32(index)
            .int32(t.leaderId)
            .int32(0) // leader_epoch
            .compactArray([t.leaderId], (n, id) => n.int32(id), false) // replica_nodes
            .compactArray([t.leaderId], (n, id) => n.int32(id), false) // isr_nodes
            .compactArray([] as number[], (n, id) => n.int32(id), false), // offline_replicas
        )
        .int32(OPERATIONS_NOT_REQUESTED),
    )
    .taggedFields()
    .toBuffer();
}

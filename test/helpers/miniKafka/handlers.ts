import { decodeApiVersionsRequest, encodeApiVersionsResponse } from './apis/apiVersions.js';
import { decodeInitProducerIdRequest, encodeInitProducerIdResponse } from './apis/initProducerId.js';
import { decodeMetadataRequest, encodeMetadataResponse, type MetadataTopic } from './apis/metadata.js';
import { decodeProduceRequest, encodeProduceResponse, type ProducePartitionResponse } from './apis/produce.js';
import { decodeSaslAuthenticateRequest, encodeSaslAuthenticateResponse } from './apis/saslAuthenticate.js';
import { decodeSaslHandshakeRequest, encodeSaslHandshakeResponse } from './apis/saslHandshake.js';
import type { BrokerContext, Reply, Session } from './context.js';
import { ErrorCode } from './errorCodes.js';
import { decodeRecordBatches } from './recordBatch.js';
import type { WireReader } from './wire.js';

export interface ApiHandler {
  name: string;
  /** The one version we implement, and so the only one ApiVersions advertises. */
  version: number;
  /** Flexible versions use request header v2 (tagged fields after client_id)... */
  flexible: boolean;
  /** ...and response header v1, except ApiVersions, whose response header stays v0 so any client can read it. */
  taggedResponseHeader: boolean;
  /** Allowed on a connection that has not finished SASL. */
  beforeAuth: boolean;
  handle(r: WireReader, broker: BrokerContext, session: Session): Reply;
}

/** The apis @platformatic/kafka's Producer sends to produce to one topic, keyed by api key. */
export const HANDLERS = new Map<number, ApiHandler>([
  [18, { name: 'ApiVersions', version: 3, flexible: true, taggedResponseHeader: false, beforeAuth: true, handle: apiVersions }],
  [17, { name: 'SaslHandshake', version: 1, flexible: false, taggedResponseHeader: false, beforeAuth: true, handle: saslHandshake }],
  [36, { name: 'SaslAuthenticate', version: 2, flexible: true, taggedResponseHeader: true, beforeAuth: true, handle: saslAuthenticate }],
  [3, { name: 'Metadata', version: 12, flexible: true, taggedResponseHeader: true, beforeAuth: false, handle: metadata }],
  [22, { name: 'InitProducerId', version: 5, flexible: true, taggedResponseHeader: true, beforeAuth: false, handle: initProducerId }],
  [0, { name: 'Produce', version: 11, flexible: true, taggedResponseHeader: true, beforeAuth: false, handle: produce }],
]);

function apiVersions(r: WireReader): Reply {
  decodeApiVersionsRequest(r);
  const apis = [...HANDLERS].map(([apiKey, h]) => ({ apiKey, minVersion: h.version, maxVersion: h.version }));
  return { body: encodeApiVersionsResponse(ErrorCode.NONE, apis) };
}

function saslHandshake(r: WireReader, broker: BrokerContext, session: Session): Reply {
  const { mechanism } = decodeSaslHandshakeRequest(r);
  const offered = broker.sasl ? ['PLAIN'] : [];
  if (!offered.includes(mechanism)) return { body: encodeSaslHandshakeResponse(ErrorCode.UNSUPPORTED_SASL_MECHANISM, offered) };
  session.mechanism = mechanism;
  return { body: encodeSaslHandshakeResponse(ErrorCode.NONE, offered) };
}

function saslAuthenticate(r: WireReader, broker: BrokerContext, session: Session): Reply {
  const { authBytes } = decodeSaslAuthenticateRequest(r);
  if (session.mechanism !== 'PLAIN' || !broker.sasl) {
    return { body: encodeSaslAuthenticateResponse(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate before SaslHandshake'), close: true };
  }
  // PLAIN (RFC 4616): authzid NUL authcid NUL password; the authzid is ignored, as Kafka does.
  const [, username, password] = authBytes.toString('utf8').split('\0');
  if (username !== broker.sasl.username || password !== broker.sasl.password) {
    // Kafka's own wording, and like Kafka we hang up after a failed authentication.
    const message = 'Authentication failed: Invalid username or password';
    return { body: encodeSaslAuthenticateResponse(ErrorCode.SASL_AUTHENTICATION_FAILED, message), close: true };
  }
  session.authenticated = true;
  return { body: encodeSaslAuthenticateResponse(ErrorCode.NONE, null) };
}

function metadata(r: WireReader, broker: BrokerContext): Reply {
  const request = decodeMetadataRequest(r);
  const names = request.topics ?? broker.log.topicNames();
  const topics = names.map((name): MetadataTopic => {
    const id = broker.log.topicId(name);
    if (!id) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: Buffer.alloc(16), partitions: [], leaderId: -1 };
    return { errorCode: ErrorCode.NONE, name, topicId: id, partitions: [0], leaderId: broker.nodeId };
  });
  const brokers = [{ nodeId: broker.nodeId, host: broker.host, port: broker.port }];
  return { body: encodeMetadataResponse('mini-kafka', broker.nodeId, brokers, topics) };
}

function initProducerId(r: WireReader, broker: BrokerContext): Reply {
  decodeInitProducerIdRequest(r);
  const producerId = broker.nextProducerId++;
  return { body: encodeInitProducerIdResponse(ErrorCode.NONE, producerId, 0) };
}

function produce(r: WireReader, broker: BrokerContext): Reply {
  const request = decodeProduceRequest(r);
  const injected = broker.failNextProduce;
  broker.failNextProduce = null;
  const topics = request.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((p): ProducePartitionResponse => {
      if (injected !== null) return { index: p.index, errorCode: injected, baseOffset: -1n, errorMessage: 'injected by failNextProduce' };
      const decoded = decodeRecordBatches(p.records ?? Buffer.alloc(0));
      if (!decoded.ok) return { index: p.index, errorCode: decoded.errorCode, baseOffset: -1n, errorMessage: decoded.message };
      return { index: p.index, ...broker.log.append(topic.name, p.index, decoded.batches) };
    }),
  }));
  // The sink always uses acks=-1, but with acks=0 a client waits for no response at all.
  return { body: request.acks === 0 ? null : encodeProduceResponse(topics) };
}

import { toOcpp16ErrorCode } from './errors.js';

/**
 * Answers the well-formed CALLs the gateway handles without ocpp-rpc's per-call machinery.
 *
 * ocpp-rpc 2.2 gives every inbound call an AbortController, a Promise with an async executor,
 * an entry in a Map and four events. Sampled at 5,000 Authorize/s (docs/benchmarks.md), the
 * AbortSignals were the largest share of what outlived the young generation: V8 allocated them
 * old (they are pretenured after the long-lived signals of the connection phase), and dead old
 * objects kept the young ones they point at alive through every scavenge until the next full
 * GC, so scavenges copied ~2.4 MB each and paused 8–15 ms.
 *
 * The same schemas validate both ways (ocpp-rpc's own validator); everything else (a frame that
 * does not parse, a CALL that fails its schema, an action we do not handle, a client not open)
 * goes to ocpp-rpc as before, which answers it with the error it always gave.
 * test/ocpp/fast-calls.test.ts checks both paths give the charger the same frames.
 */

type SchemaFn = ((data: unknown) => boolean) & { errors?: unknown[] | null };

interface Validator {
  _ajv: { getSchema(id: string): SchemaFn | undefined };
  validate(schemaId: string, data: unknown): void;
}

/** The ocpp-rpc client internals this relies on; test/ocpp/fast-calls.test.ts fails if they change. */
export interface FastClient {
  _state: number;
  _protocol: string;
  _strictValidators?: Map<string, Validator>;
  emit(event: string, detail: unknown): boolean;
}

/** Sends a reply to the CALL of that id (src/ocpp/rpcPatches.ts keeps it for a repeat of the CALL). */
export type SendReply = (id: string, message: string) => void;

export interface CallAnswerer {
  has(method: string): boolean;
  run(method: string, params: unknown): Promise<unknown>;
}

const OPEN = 1;
const MSG_CALL = 2;

interface Schemas {
  req: SchemaFn;
  conf: SchemaFn;
  confId: string;
}

const compiled = new WeakMap<Validator, Map<string, Schemas | null>>();

function schemasOf(validator: Validator, method: string): Schemas | null {
  let byMethod = compiled.get(validator);
  if (!byMethod) compiled.set(validator, (byMethod = new Map()));
  let found = byMethod.get(method);
  if (found === undefined) {
    const req = validator._ajv.getSchema(`urn:${method}.req`);
    const confId = `urn:${method}.conf`;
    const conf = validator._ajv.getSchema(confId);
    found = req && conf ? { req, conf, confId } : null;
    byMethod.set(method, found);
  }
  return found;
}

/** True when the frame (parsed once by the frame guard) was taken and will be answered; false leaves it to ocpp-rpc. */
export function answerFast(c: FastClient, frame: unknown[], message: string, answer: CallAnswerer, send: SendReply): boolean {
  if (c._state !== OPEN || frame[0] !== MSG_CALL) return false;
  const id: unknown = frame[1];
  const method: unknown = frame[2];
  if (typeof id !== 'string' || typeof method !== 'string' || !answer.has(method)) return false;
  const validator = c._strictValidators?.get(c._protocol);
  const schemas = validator && schemasOf(validator, method);
  if (!validator || !schemas || !schemas.req(frame[3])) return false;

  const params = frame[3];
  c.emit('message', { message, outbound: false });
  answer.run(method, params).then(
    (result) => reply(c, send, validator, schemas, id, method, params, result),
    (err) => replyError(c, send, id, method, params, err),
  );
  return true;
}

function reply(c: FastClient, send: SendReply, validator: Validator, schemas: Schemas, id: string, method: string, params: unknown, result: unknown): void {
  if (!schemas.conf(result)) {
    // Our own reply broke the schema: the charger gets InternalError, as from ocpp-rpc.
    let error: unknown;
    try {
      validator.validate(schemas.confId, result);
    } catch (err) {
      error = err;
    }
    c.emit('strictValidationFailure', { messageId: id, method, params, result, error, outbound: true, isCall: false });
    return replyError(c, send, id, method, params, Object.assign(new Error(''), { rpcErrorCode: 'InternalError' }));
  }
  c.emit('callResult', { outbound: false, messageId: id, method, params, result });
  trySend(send, id, JSON.stringify([3, id, result]));
}

function replyError(c: FastClient, send: SendReply, id: string, method: string, params: unknown, err: unknown): void {
  const e = err as { rpcErrorCode?: string; rpcErrorMessage?: string; message?: string; details?: unknown };
  c.emit('callError', { outbound: false, messageId: id, method, params, error: err });
  trySend(send, id, JSON.stringify([4, id, toOcpp16ErrorCode(e.rpcErrorCode ?? 'GenericError'), e.message || e.rpcErrorMessage || '', e.details ?? {}]));
}

/** A charger gone while its call was answered gets nothing, as with ocpp-rpc (it may still send while closing). */
function trySend(send: SendReply, id: string, message: string): void {
  try {
    send(id, message);
  } catch {
    // Closed meanwhile.
  }
}

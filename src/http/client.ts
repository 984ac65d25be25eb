import { lookup as dnsLookup } from 'node:dns';
import { EventEmitter } from 'node:events';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import type { AddressPolicy } from './addressPolicy.js';

/**
 * The one client for every outbound call (provider calls, token service, notifications).
 * undici's request() was the fastest client measured (docs/benchmarks.md, http-clients); the agent
 * caps sockets per origin so an overloaded provider cannot make us open sockets without bound.
 * Redirects are never followed: undici's request() does not follow them without an interceptor.
 */
export type HttpErrorCode = 'timeout' | 'connect_error' | 'response_too_large' | 'network_error' | 'blocked_target';

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for the whole call, connect to last byte. */
  timeoutMs: number;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The policy is checked on the addresses the socket is given, after resolution, so a name that
 * passed at save time and resolves to 127.0.0.1 now is still refused, with no second lookup in
 * between to rebind. net.connect skips `lookup` for a literal IP, so those are checked up front.
 */
function guardedConnector(policy: AddressPolicy): buildConnector.connector {
  const blocked = (host: string, reason: string) => new HttpError('blocked_target', `refused to connect to ${host}: ${reason} is not an allowed target`);
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const verdict = policy.checkResolved(hostname, addresses.map((a) => a.address));
      if (!verdict.ok) return callback(blocked(hostname, verdict.reason), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const connect = buildConnector({ lookup });
  return (opts, callback) => {
    const verdict = isIP(opts.hostname) ? policy.checkResolved(opts.hostname, [opts.hostname]) : { ok: true as const };
    if (!verdict.ok) return void process.nextTick(callback, blocked(opts.hostname, verdict.reason), null);
    connect(opts, callback);
  };
}

/** Without a policy nothing is checked: only the client's own unit tests build it so. */
export function createHttpClient(opts: { maxSocketsPerOrigin: number; maxResponseBytes: number; policy?: AddressPolicy }): HttpClient {
  const connect = opts.policy ? guardedConnector(opts.policy) : undefined;
  const agent = new Agent({ connections: opts.maxSocketsPerOrigin, keepAliveTimeout: 30_000, pipelining: 1, connect });

  type Body = AsyncIterable<Buffer> & { destroy(err?: Error): void; text(): Promise<string> };

  /** A declared length is checked up front and read in one go; only unsized bodies are counted chunk by chunk. */
  async function readCapped(body: Body, contentLength: string | string[] | undefined): Promise<string> {
    const declared = typeof contentLength === 'string' ? Number(contentLength) : NaN;
    if (Number.isFinite(declared)) {
      if (declared <= opts.maxResponseBytes) return body.text();
      body.destroy();
      throw new HttpError('response_too_large', `response larger than ${opts.maxResponseBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > opts.maxResponseBytes) {
        body.destroy();
        throw new HttpError('response_too_large', `response larger than ${opts.maxResponseBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  return {
    async send(req) {
      const signal = new Deadline();
      const timer = setTimeout(() => signal.expire(), req.timeoutMs);
      try {
        const res = await request(req.url, { method: req.method, headers: req.headers, body: req.body, signal, dispatcher: agent });
        const body = await readCapped(res.body as unknown as Body, res.headers['content-length']);
        return { status: res.statusCode, headers: res.headers as HttpResponse['headers'], body };
      } catch (err: any) {
        throw toHttpError(err, signal);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
}

/**
 * A call's deadline as undici's `signal`, which takes an EventEmitter as well as an AbortSignal.
 * Not AbortSignal.timeout(): its timer outlives the call and builds a DOMException when it fires,
 * thousands a second on the provider path. Not an AbortController either: its EventTarget signal
 * costs what a plain emitter does not (docs/bench-log/2026-11.md, "Webhook Authorize").
 */
class Deadline extends EventEmitter {
  aborted = false;
  reason: HttpError | undefined;
  expire(): void {
    this.aborted = true;
    this.reason = new HttpError('timeout', 'no answer before the deadline');
    this.emit('abort');
  }
}

function toHttpError(err: any, signal: Deadline): HttpError {
  if (err instanceof HttpError) return err;
  if (signal.aborted || err?.name === 'TimeoutError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.code === 'UND_ERR_BODY_TIMEOUT') {
    return new HttpError('timeout', 'no answer before the deadline');
  }
  const code = err?.code ?? err?.cause?.code;
  if (CONNECT_ERRORS.has(code)) return new HttpError('connect_error', `cannot connect (${code})`);
  return new HttpError('network_error', `${code ?? err?.name ?? 'error'}: ${err?.message ?? String(err)}`);
}

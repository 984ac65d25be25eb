// One request through the receiver: route, count, apply an injected fault,
// then answer the ownership challenge (GET) or take the delivery (POST).

import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendFaultResponse, type FaultTable } from '../provider/faults.js';
import { BodyTooLarge, parseJson, readBody, sendJson } from '../provider/http.js';
import { safeEqual, verifyHmac, verifyStandardWebhooks, verifyToken } from './signing.js';
import type { ReceivedDelivery, ReceivedRequest, ReceiverOptions, SignatureScheme } from './types.js';

export const BASE_PATH = '/hooks';

export interface RouterDeps {
  scheme: SignatureScheme;
  basicAuth?: ReceiverOptions['basicAuth'];
  answerChallenge: boolean;
  /** Read on every request, so setSecret takes effect for the next one; the first answers challenges. */
  secrets: () => string[];
  faults: FaultTable;
  /** Cancellable by the server's close(), so no answer is scheduled onto a destroyed socket. */
  delay: (ms: number) => Promise<void>;
  onAttempt: (request: ReceivedRequest) => void;
  onChallenge: (challenge: string) => void;
  /** A POST that reached handling, with the status it is answered with. */
  onDelivery: (delivery: ReceivedDelivery, status: number) => void;
}

interface Outcome {
  status: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}

type Verifier = (secret: string, headers: IncomingHttpHeaders, rawBody: string) => boolean;

const VERIFIERS: Record<Exclude<SignatureScheme, 'none'>, Verifier> = {
  'hmac-sha256': (secret, headers, rawBody) => verifyHmac(secret, rawBody, header(headers, 'x-signature')),
  'standard-webhooks': (secret, headers, rawBody) =>
    verifyStandardWebhooks(
      secret,
      { id: header(headers, 'webhook-id'), timestamp: header(headers, 'webhook-timestamp'), signature: header(headers, 'webhook-signature') },
      rawBody,
    ),
};

const ACCEPTED: Outcome = { status: 200, body: { ok: true } };
const UNAUTHORIZED: Outcome = { status: 401, body: { error: 'unauthorized' }, headers: { 'www-authenticate': 'Basic realm="receiver"' } };
const INVALID_SIGNATURE: Outcome = { status: 401, body: { error: 'invalid_signature' } };
const INVALID_JSON: Outcome = { status: 400, body: { error: 'invalid_json' } };

export function createRouter(deps: RouterDeps) {
  // The gateway sends the challenge without credentials (the endpoint is not proven yet): the HMAC is the proof.
  function challenge(query: URLSearchParams): Outcome {
    const value = query.get('challenge');
    if (value === null) return { status: 400, body: { error: 'challenge_required' } };
    deps.onChallenge(value);
    // The body never echoes the challenge: only the header may prove ownership.
    const headers = deps.answerChallenge ? { 'x-verify-token': verifyToken(deps.secrets()[0], value) } : undefined;
    return { status: 200, body: { ok: true }, headers };
  }

  function refusal(authorization: string | undefined, verified: boolean, isObject: boolean): Outcome | undefined {
    if (!isAuthorized(deps.basicAuth, authorization)) return UNAUTHORIZED;
    if (deps.scheme !== 'none' && !verified) return INVALID_SIGNATURE;
    if (!isObject) return INVALID_JSON;
    return undefined;
  }

  function delivery(req: IncomingMessage, path: string, rawBody: string, at: number): Outcome {
    const parsed = parseJson(rawBody);
    const isObject = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null;
    const signedWith = deps.scheme === 'none' ? [] : deps.secrets().filter((secret) => VERIFIERS[deps.scheme as Exclude<SignatureScheme, 'none'>](secret, req.headers, rawBody));
    const verified = signedWith.length > 0;
    const outcome = refusal(req.headers.authorization, verified, isObject) ?? ACCEPTED;
    const body = parsed.ok ? parsed.value : rawBody;
    deps.onDelivery({ path, headers: req.headers, body, rawBody, verified, signedWith, at }, outcome.status);
    return outcome;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== BASE_PATH && !path.startsWith(`${BASE_PATH}/`)) return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'GET' && req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, POST' });
    const fault = deps.faults.take();
    deps.onAttempt({ method: req.method, path, headers: req.headers, fault: fault?.mode ?? null, at });

    if (fault?.mode === 'close') return void req.socket.destroy();
    if (fault?.mode === 'hang') return; // close() destroys the socket

    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) sendJson(res, 413, { error: 'body_too_large' }, { connection: 'close' });
      return; // otherwise the client went away mid-body
    }
    if (fault?.mode === 'status') return sendFaultResponse(res, fault);
    if (fault?.mode === 'latency') await deps.delay(fault.ms);

    const outcome = req.method === 'GET' ? challenge(new URLSearchParams(q < 0 ? '' : url.slice(q + 1))) : delivery(req, path, rawBody, at);
    // A malformed answer still counts as accepted: the gateway sees a 2xx, so the delivery is recorded.
    if (fault?.mode === 'malformed' && outcome.status < 300) return sendFaultResponse(res, fault);
    sendJson(res, outcome.status, outcome.body, outcome.headers);
  }

  return handle;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

function isAuthorized(expected: ReceiverOptions['basicAuth'], authorization: string | undefined): boolean {
  if (!expected) return true;
  const [scheme, value] = (authorization ?? '').split(' ', 2);
  if (scheme?.toLowerCase() !== 'basic' || !value) return false;
  return safeEqual(Buffer.from(value, 'base64').toString('utf8'), `${expected.username}:${expected.password}`);
}

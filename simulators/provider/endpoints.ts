// What the provider answers on its three endpoints once no fault intervened.
// Each endpoint records the request (rejected ones too, so tests can see what
// the gateway sent) and returns the reply; the server does the writing.

import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { isAuthorized, isKnownUser, type TokenStore } from './credentials.js';
import { mediaType, parseJson } from './http.js';
import type { Decide } from './rules.js';
import type { Provider, ProviderPath } from './types.js';

export interface EndpointContext {
  users: Record<string, string>;
  tokens: TokenStore;
  tokenTtlSec: number;
  /** Read on every request, so setRules takes effect for the next one. */
  decide: () => Decide;
  nextSessionId: () => string;
  received: Provider['received'];
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
  /** What was recorded as the request body, for the onReceived hook. */
  request: unknown;
}

export type Endpoint = (ctx: EndpointContext, req: IncomingMessage, text: string, at: number) => Reply;

// RFC 6749 §5.1: token responses must not be cached by intermediaries.
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function token(ctx: EndpointContext, req: IncomingMessage, text: string, at: number): Reply {
  const contentType = req.headers['content-type'] ?? '';
  const isForm = mediaType(contentType) === 'application/x-www-form-urlencoded';
  const form: Record<string, string> = isForm ? Object.fromEntries(new URLSearchParams(text)) : {};
  ctx.received.tokens.push({ body: form, contentType, at });

  const reply = (status: number, body: unknown, headers?: OutgoingHttpHeaders): Reply => ({ status, body, headers, request: form });
  if (!isForm) return reply(415, { error: 'unsupported_media_type' });
  if (form.grant_type === undefined) return reply(400, { error: 'invalid_request' });
  if (form.grant_type !== 'password') return reply(400, { error: 'unsupported_grant_type' });
  if (!isKnownUser(ctx.users, form.username, form.password)) return reply(400, { error: 'invalid_grant' });
  const accessToken = ctx.tokens.issue(at);
  return reply(200, { access_token: accessToken, token_type: 'Bearer', expires_in: ctx.tokenTtlSec }, NO_STORE);
}

/** Parses, records and authenticates a session webhook; a Reply means it was refused. */
function admitWebhook(
  ctx: EndpointContext,
  req: IncomingMessage,
  text: string,
  at: number,
  log: Provider['received']['starts'],
): { body: any } | Reply {
  const parsed = parseJson(text);
  const body = parsed.ok ? parsed.value : text;
  log.push({ body, headers: req.headers, at });
  if (!isAuthorized(req.headers.authorization, ctx.tokens, ctx.users)) {
    return { status: 401, body: { error: 'unauthorized' }, headers: { 'www-authenticate': 'Bearer, Basic' }, request: body };
  }
  if (!parsed.ok || typeof body !== 'object' || body === null) {
    return { status: 400, body: { error: 'invalid_json' }, request: body };
  }
  return { body };
}

function start(ctx: EndpointContext, req: IncomingMessage, text: string, at: number): Reply {
  const admitted = admitWebhook(ctx, req, text, at, ctx.received.starts);
  if ('status' in admitted) return admitted;
  const { body } = admitted;
  if (typeof body.idTag !== 'string') return { status: 400, body: { error: 'idTag required' }, request: body };
  const decision = ctx.decide()(body.idTag);
  const reply = decision.allowed ? { ...decision, sessionId: ctx.nextSessionId() } : decision;
  return { status: 200, body: reply, request: body };
}

function end(ctx: EndpointContext, req: IncomingMessage, text: string, at: number): Reply {
  const admitted = admitWebhook(ctx, req, text, at, ctx.received.ends);
  if ('status' in admitted) return admitted;
  return { status: 200, body: { ok: true }, request: admitted.body };
}

export const ENDPOINTS: Record<ProviderPath, Endpoint> = { token, start, end };

// One request through the provider: route, count, apply an injected fault,
// then the endpoint. Kept apart from the server so the lifecycle stays short.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENDPOINTS, type EndpointContext } from './endpoints.js';
import { sendFaultResponse, type FaultTable } from './faults.js';
import { BodyTooLarge, parseJson, readBody, sendJson } from './http.js';
import type { ProviderOptions, ProviderPath } from './types.js';

const ROUTES: Record<string, ProviderPath | undefined> = {
  '/oauth/token': 'token',
  '/sessions/start': 'start',
  '/sessions/end': 'end',
};

export interface RouterDeps {
  ctx: EndpointContext;
  faults: FaultTable;
  counts: Record<ProviderPath, number>;
  /** Cancellable by the server's close(), so no answer is scheduled onto a destroyed socket. */
  delay: (ms: number) => Promise<void>;
  onReceived?: ProviderOptions['onReceived'];
}

export function createRouter({ ctx, faults, counts, delay, onReceived }: RouterDeps) {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = ROUTES[query < 0 ? url : url.slice(0, query)];
    if (!path) return sendJson(res, 404, { error: 'not_found' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
    counts[path]++;

    const fault = faults.take(path);
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) sendJson(res, 413, { error: 'body_too_large' }, { connection: 'close' });
      return; // otherwise the client went away mid-body
    }
    // Read first even for close and hang, so a retry test can compare what every attempt carried.
    if (fault && fault.mode !== 'latency') {
      const parsed = parseJson(text);
      ctx.received.faulted.push({ path, fault: fault.mode, body: parsed.ok ? parsed.value : text, headers: req.headers, at });
    }
    if (fault?.mode === 'close') return void req.socket.destroy();
    if (fault?.mode === 'hang') return; // close() destroys the socket
    if (fault?.mode === 'status' || fault?.mode === 'malformed') return sendFaultResponse(res, fault);
    if (fault?.mode === 'latency') await delay(fault.ms);

    const reply = ENDPOINTS[path](ctx, req, text, at);
    sendJson(res, reply.status, reply.body, reply.headers);
    onReceived?.({ path, status: reply.status, body: reply.request, reply: reply.body, at });
  }

  return handle;
}

// The HTTP clients the http-clients scenario compares, behind one shape: post a
// JSON body, get the status and the text back. Each caps its sockets at 128, the
// gateway's providerMaxSockets, and gives every call a deadline, as the gateway does.

import http from 'node:http';
import axios from 'axios';
import { Agent, request } from 'undici';

export type ClientName = 'undici' | 'node-http' | 'fetch' | 'axios';

export interface Reply {
  status: number;
  text: string;
}

export interface OutboundClient {
  post(body: string): Promise<Reply>;
  close(): Promise<void>;
}

const SOCKETS = 128;
const TIMEOUT_MS = 10_000;

export function createOutboundClient(name: ClientName, url: string, headers: Record<string, string>): OutboundClient {
  return CLIENTS[name](url, headers);
}

const CLIENTS: Record<ClientName, (url: string, headers: Record<string, string>) => OutboundClient> = {
  undici(url, headers) {
    const dispatcher = new Agent({ connections: SOCKETS });
    return {
      async post(body) {
        const res = await request(url, { method: 'POST', headers, body, dispatcher, signal: AbortSignal.timeout(TIMEOUT_MS) });
        return { status: res.statusCode, text: await res.body.text() };
      },
      close: () => dispatcher.close(),
    };
  },

  'node-http'(url, headers) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
    const { hostname, port, pathname } = new URL(url);
    return {
      post: (body) =>
        new Promise<Reply>((resolve, reject) => {
          const options = {
            agent,
            hostname,
            port,
            path: pathname,
            method: 'POST',
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
            signal: AbortSignal.timeout(TIMEOUT_MS),
          };
          const req = http.request(options, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(body);
        }),
      close: async () => agent.destroy(),
    };
  },

  // On the design card. Same keep-alive agent and 128-socket cap as node:http, which it runs on.
  // maxRedirects 0 because the gateway follows none, and it keeps axios on plain node:http
  // instead of its follow-redirects wrapper; the reply is kept as text, as the others return it.
  axios(url, headers) {
    const httpAgent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
    const client = axios.create({
      httpAgent,
      headers,
      maxRedirects: 0,
      proxy: false,
      responseType: 'text',
      transformResponse: (data: string) => data,
      validateStatus: () => true,
    });
    return {
      async post(body) {
        const res = await client.post<string>(url, body, { signal: AbortSignal.timeout(TIMEOUT_MS) });
        return { status: res.status, text: res.data };
      },
      close: async () => httpAgent.destroy(),
    };
  },

  // Node's global fetch, as is: its own (undici) global dispatcher, no agent of ours.
  fetch(url, headers) {
    return {
      async post(body) {
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
        return { status: res.status, text: await res.text() };
      },
      close: async () => {},
    };
  },
};

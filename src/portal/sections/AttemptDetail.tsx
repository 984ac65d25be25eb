import type { AttemptRequest } from '../../store/deliveries.js';

/** What an attempt sent and what came back: a delivery log row or a test's reply. */
export interface AttemptShown {
  ok: boolean;
  status: number | null;
  error: string | null;
  response: string | null;
  request: AttemptRequest | null;
  responseHeaders: Record<string, string> | null;
}

/** A JSON body laid out for reading; anything else as it came. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function Headers({ headers, testId }: { headers: Record<string, string>; testId: string }) {
  return <pre data-testid={testId}>{Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>;
}

/** The request (credentials hidden by the gateway) beside the endpoint's answer (its first KiB). */
export function AttemptDetail({ d }: { d: AttemptShown }) {
  return (
    <div class="grid" data-testid="attempt-detail">
      <div>
        <h4>Request</h4>
        {d.request ? (
          <>
            <p><code>{d.request.method} {d.request.url}</code></p>
            <Headers headers={d.request.headers} testId="attempt-request-headers" />
            <pre data-testid="attempt-request-body">{readable(d.request.body)}</pre>
          </>
        ) : (
          <p>Nothing kept: a Kafka message, or an attempt made before requests were logged.</p>
        )}
      </div>
      <div>
        <h4>Answer</h4>
        {d.status === null ? (
          <p>No answer{d.error ? `: ${d.error}` : ''}</p>
        ) : (
          <>
            <p data-testid="attempt-status">HTTP {d.status}</p>
            {d.responseHeaders && <Headers headers={d.responseHeaders} testId="attempt-response-headers" />}
            <pre data-testid="attempt-response-body">{d.response ? readable(d.response) : '(empty body)'}</pre>
            <small>The first KiB of the body is kept.</small>
          </>
        )}
      </div>
    </div>
  );
}

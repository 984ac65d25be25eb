/**
 * Turns a @platformatic/kafka failure into a message and a retry decision. The client nests
 * errors: retries collect attempts in a MultipleErrors, a broker reply wraps one ProtocolError
 * per failed partition, and a connection error carries the real reason (refused, bad
 * credentials) as its `cause`. So the whole tree is walked.
 */
export interface KafkaFailure {
  error: string;
  retryable: boolean;
}

/**
 * Retry decision per client error code. Protocol errors (the broker's own codes) use Kafka's
 * classification, which the client copies onto each error as `canRetry`.
 */
const RETRYABLE_BY_CODE: Record<string, boolean> = {
  PLT_KFK_NETWORK: true, // refused, reset, closed; the client files its timeouts under this code too
  PLT_KFK_TIMEOUT: true,
  PLT_KFK_UNEXPECTED_CORRELATION_ID: true, // a confused connection; a new one will do
  PLT_KFK_AUTHENTICATION: false, // wrong credentials stay wrong
  PLT_KFK_USER: false, // invalid options, unknown topic: someone has to change the settings
  PLT_KFK_UNSUPPORTED_API: false, // a broker too old for the client
  PLT_KFK_UNSUPPORTED: false,
  PLT_KFK_UNSUPPORTED_COMPRESSION: false,
  PLT_KFK_UNSUPPORTED_FORMAT: false,
};

/** Long enough for a chain of causes, short enough for a log line and a database column. */
const MAX_MESSAGE = 600;

interface ClientError extends Error {
  code?: string;
  apiId?: string;
  canRetry?: boolean;
  serverErrorMessage?: string | null;
  errors?: unknown[];
}

export function classifyKafkaError(error: unknown, password?: string): KafkaFailure {
  const err = asError(error);
  let message = describe(err);
  if (password) message = message.replaceAll(password, '***');
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 1)}…`;
  return { error: `Kafka: ${message}`, retryable: isRetryable(err) };
}

/**
 * Retryable unless some error in the tree is known not to be, which is also how the client
 * decides its own retries. An error we cannot classify counts as retryable: it is no proof
 * that the event itself is bad, and the outbox bounds its attempts.
 */
function isRetryable(err: ClientError): boolean {
  // Containers (PLT_KFK_MULTIPLE, PLT_KFK_RESPONSE) are not in the table: their children decide.
  const own = err.code === 'PLT_KFK_PROTOCOL' ? err.canRetry !== false : (RETRYABLE_BY_CODE[err.code ?? ''] ?? true);
  return own && children(err).every(isRetryable);
}

/** "what failed: why", following causes and listing distinct reasons of retries once each. */
function describe(err: ClientError): string {
  const own = err.code === 'PLT_KFK_PROTOCOL' && err.apiId
    ? `${err.apiId}${err.serverErrorMessage ? ` (${err.serverErrorMessage})` : ''}`
    : err.message.replace(/\.$/, '');
  const reasons = [...new Set(children(err).map(describe))];
  return reasons.length ? `${own}: ${reasons.join('; ')}` : own;
}

function children(err: ClientError): ClientError[] {
  const nested = Array.isArray(err.errors) ? err.errors : [];
  return [...nested, ...(err.cause !== undefined ? [err.cause] : [])].filter((e) => e != null).map(asError);
}

function asError(value: unknown): ClientError {
  return value instanceof Error ? value : new Error(String(value));
}

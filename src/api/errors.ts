import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from '../log.js';
import { routeOf, UNMATCHED } from './requestContext.js';

/**
 * Every error the API returns, in one table: a stable code, its HTTP status and a default
 * message. Bodies are `{ error: code, message, details? }`; `details` names fields for 400s; a 500's
 * `requestId` finds its log line.
 */
export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid' },
  MALFORMED_JSON: { status: 400, message: 'The body is not valid JSON' },
  MALFORMED_REQUEST: { status: 400, message: 'The request could not be read' },
  UNAUTHORIZED: { status: 401, message: 'A valid bearer token or a signed-in session is required' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is wrong' },
  /** 403 on sensitive sections; sign-in answers it with 401 (the session does not exist yet). */
  SECOND_FACTOR_REQUIRED: { status: 403, message: 'Confirm a code from the authenticator app first (POST /api/auth/step-up)' },
  FORBIDDEN: { status: 403, message: 'Only an operator admin may do this' },
  CSRF_FAILED: { status: 403, message: 'Send the x-csrf-token header given at sign-in' },
  SECOND_FACTOR_ENROLMENT_REQUIRED: { status: 403, message: 'Set up a second factor first (POST /api/auth/totp/enrol)' },
  RATE_LIMITED: { status: 429, message: 'Too many failed attempts; try again later' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'The resource already exists' },
  LAST_OWNER: { status: 409, message: 'An installation with owners keeps at least one: make someone else owner first' },
  LAST_ADMIN: { status: 409, message: 'The gateway keeps at least one operator admin' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send application/json' },
  SECRET_REQUIRED: { status: 400, message: 'Changing where a stored secret is sent needs the secret again in the same request' },
  COMMAND_INVALID: { status: 400, message: 'The command does not match the OCPP schema' },
  COMMAND_NOT_SUPPORTED: { status: 400, message: "The charger's OCPP version has no such command" },
  CHARGER_OFFLINE: { status: 409, message: 'The charger is not connected' },
  LOCAL_LIST_OFF: { status: 409, message: "The installation keeps no local lists: set its localList first" },
  CHARGER_CALL_ERROR: { status: 502, message: 'The charger answered with an error' },
  COMMAND_FAILED: { status: 502, message: 'The command could not be delivered' },
  COMMAND_TIMEOUT: { status: 504, message: 'The charger did not answer in time' },
  OCPI_NOT_CONFIGURED: { status: 409, message: 'OCPI is off: configure ocpiCountryCode, ocpiPartyId and ocpiBusinessName' },
  OCPI_HANDSHAKE_FAILED: { status: 502, message: 'The credentials handshake with the eMSP failed' },
  OCPI_PULL_FAILED: { status: 502, message: "The eMSP's token list could not be read" },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message ?? API_ERRORS[code].message);
    this.status = status ?? API_ERRORS[code].status;
  }
}

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} not found`);

/** body-parser's errors by type: what the client sent could not be read, which is never a 500. */
const BODY_ERRORS: Record<string, ApiErrorCode> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'parameters.too.many': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

/** The client's fault as an ApiError, or undefined for an unexpected error (a bug or an outage). */
function clientError(err: any): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const code = BODY_ERRORS[err?.type];
  if (code) return new ApiError(code);
  // The router could not percent-decode a path segment: no stored id is named so.
  if (err instanceof URIError && (err as { status?: number }).status === 400) return new ApiError('NOT_FOUND', 'No such resource');
  // Any other client error Express's parts raise (http-errors marks them exposable).
  if (err?.expose === true && err.status >= 400 && err.status < 500) {
    return err.status === 404 ? new ApiError('NOT_FOUND') : new ApiError('MALFORMED_REQUEST', undefined, undefined, err.status);
  }
  return undefined;
}

/**
 * What of an unexpected error reaches the log: what and where it failed. Not the whole object,
 * whose own properties (a driver's, a client's) may carry values from the request.
 */
const errorSummary = (err: any) => ({ type: err?.name, message: String(err?.message ?? err), code: err?.code, stack: err?.stack });

function logUnexpected(log: Logger, req: Request, err: unknown): void {
  const route = routeOf(req);
  // Never headers or bodies: they hold tokens and passwords.
  log.error({ requestId: req.requestId, method: req.method, route, ...(route === UNMATCHED && { path: req.path }), err: errorSummary(err) }, 'request failed');
}

/** The one place errors become responses; unexpected ones are logged with the request id, never echoed. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = clientError(err);
    if (!known) logUnexpected(log, req, err);
    // A stream already under way cannot turn into an error response.
    if (res.headersSent) return void res.end();
    const apiError = known ?? new ApiError('INTERNAL');
    const body: Record<string, unknown> = { error: apiError.code, message: apiError.message };
    if (apiError.details !== undefined) body.details = apiError.details;
    // Only unexpected errors are logged: the id finds their log line (every response has it in x-request-id).
    if (!known) body.requestId = req.requestId;
    res.status(apiError.status).json(body);
  };
}

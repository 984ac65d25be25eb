/**
 * The OCPI response envelope and status codes (OCPI 2.2.1 §4.1.7, §5). HTTP says whether the
 * request was handled at all; status_code says how.
 */
export const OCPI_STATUS = {
  SUCCESS: 1000,
  CLIENT_ERROR: 2000,
  INVALID_PARAMETERS: 2001,
  NOT_ENOUGH_INFORMATION: 2002,
  UNKNOWN_LOCATION: 2003,
  UNKNOWN_TOKEN: 2004,
  SERVER_ERROR: 3000,
  UNABLE_TO_USE_CLIENT_API: 3001,
  UNSUPPORTED_VERSION: 3002,
  NO_MATCHING_ENDPOINTS: 3003,
} as const;

export interface Envelope<T = unknown> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

export function success<T>(data?: T): Envelope<T> {
  return { ...(data !== undefined && { data }), status_code: OCPI_STATUS.SUCCESS, timestamp: new Date().toISOString() };
}

/** A refusal as data: the HTTP status and the OCPI status code and message it answers with. */
export class OcpiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }

  envelope(): Envelope {
    return { status_code: this.statusCode, status_message: this.message, timestamp: new Date().toISOString() };
  }
}

export const unauthorized = () => new OcpiError(401, OCPI_STATUS.CLIENT_ERROR, 'Unknown or missing credentials token');
export const invalidParameters = (message: string) => new OcpiError(400, OCPI_STATUS.INVALID_PARAMETERS, message);

/** A schema's complaints in one status_message, each naming its field. */
export const issues = (e: { issues: { path: PropertyKey[]; message: string }[] }) => e.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ');
export const methodNotAllowed = (message: string) => new OcpiError(405, OCPI_STATUS.CLIENT_ERROR, message);

import { WireReader, WireWriter } from '../wire.js';

/** SaslAuthenticate v2 (key 36): carries the mechanism's bytes; for PLAIN, authzid\0user\0password. */
export function decodeSaslAuthenticateRequest(r: WireReader): { authBytes: Buffer } {
  const authBytes = r.compactBytes() ?? Buffer.alloc(0);
  r.taggedFields();
  return { authBytes };
}

export function encodeSaslAuthenticateResponse(errorCode: number, errorMessage: string | null): Buffer {
  return new WireWriter()
    .int16(errorCode)
    .compactString(errorMessage)
    .compactBytes(Buffer.alloc(0))
    .int64(0n) // session_lifetime_ms: 0 means the client never re-authenticates
    .taggedFields()
    .toBuffer();
}

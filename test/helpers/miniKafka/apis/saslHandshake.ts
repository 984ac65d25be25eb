import { WireReader, WireWriter } from '../wire.js';

/** SaslHandshake v1 (key 17): the client names its mechanism; not a flexible version. */
export function decodeSaslHandshakeRequest(r: WireReader): { mechanism: string } {
  return { mechanism: r.legacyString() ?? '' };
}

export function encodeSaslHandshakeResponse(errorCode: number, mechanisms: string[]): Buffer {
  return new WireWriter()
    .int16(errorCode)
    .legacyArray(mechanisms, (w, m) => w.legacyString(m))
    .toBuffer();
}

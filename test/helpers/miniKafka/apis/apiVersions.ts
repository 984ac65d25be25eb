import { WireReader, WireWriter } from '../wire.js';

/** ApiVersions v3 (key 18): the client asks which api versions we speak before any other call. */
export interface ApiVersionsRequest {
  clientSoftwareName: string | null;
  clientSoftwareVersion: string | null;
}

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export function decodeApiVersionsRequest(r: WireReader): ApiVersionsRequest {
  const request = { clientSoftwareName: r.compactString(), clientSoftwareVersion: r.compactString() };
  r.taggedFields();
  return request;
}

export function encodeApiVersionsResponse(errorCode: number, apis: ApiVersionRange[]): Buffer {
  return new WireWriter()
    .int16(errorCode)
    .compactArray(apis, (w, a) => w.int16(a.apiKey).int16(a.minVersion).int16(a.maxVersion))
    .int32(0) // throttle_time_ms
    .taggedFields()
    .toBuffer();
}

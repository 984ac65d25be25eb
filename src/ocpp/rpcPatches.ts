import type { ChargerClient as RPCServerClient } from './rpc.js';
import { toOcpp16ErrorCode } from './errors.js';

/**
 * ocpp-rpc (2.2.x) has no hook before it parses a frame, and sends some CALLERRORs with codes
 * outside the OCPP-J 1.6 list. Both fixes sit here, on the two internal methods involved, so
 * the rest of the gateway uses the library as documented. test/ocpp/malformed-frames.test.ts
 * fails if a library update changes either method.
 */
interface PatchableClient {
  _onMessage(buffer: Buffer): void;
  sendRaw(message: string): void;
}

const CALL_ID = /^\s*\[\s*2\s*,\s*"((?:[^"\\]|\\.){1,64})"/;

export interface FrameGuardOptions {
  maxFrameBytes: number;
  onOversized(bytes: number, messageId: string | undefined): void;
}

export function patchClient(client: RPCServerClient, opts: FrameGuardOptions): void {
  const c = client as unknown as PatchableClient;
  const onMessage = c._onMessage.bind(c);
  const sendRaw = c.sendRaw.bind(c);

  c.sendRaw = (message: string) => sendRaw(message.startsWith('[4,') ? rewriteCallError(message) : message);

  c._onMessage = (buffer: Buffer) => {
    if (buffer.length <= opts.maxFrameBytes) return onMessage(buffer);
    const head = buffer.subarray(0, 128).toString('utf8');
    const messageId = CALL_ID.exec(head)?.[1];
    opts.onOversized(buffer.length, messageId);
    // Only a CALL is answered; a CALLRESULT or CALLERROR never gets a reply.
    if (messageId !== undefined) {
      const text = `Frame of ${buffer.length} bytes exceeds the limit of ${opts.maxFrameBytes} bytes`;
      c.sendRaw(JSON.stringify([4, messageId, 'FormationViolation', text, {}]));
    }
  };
}

function rewriteCallError(message: string): string {
  try {
    const frame = JSON.parse(message);
    if (!Array.isArray(frame) || typeof frame[2] !== 'string') return message;
    const code = toOcpp16ErrorCode(frame[2]);
    if (code === frame[2]) return message;
    frame[2] = code;
    return JSON.stringify(frame);
  } catch {
    return message;
  }
}

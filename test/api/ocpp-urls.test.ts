import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { ocppUrlsFor } from '../../src/api/ocppUrls.js';

const req = (hostname: string) => ({ hostname }) as Request;

describe('the OCPP URL the portal shows for a charger', () => {
  it('is this host on the listening ports, wss only with a TLS port, the id encoded', () => {
    expect(ocppUrlsFor('CP 1', req('gw.example.com'), {}, { ws: 9000 })).toEqual({ ws: 'ws://gw.example.com:9000/ocpp/CP%201', wss: null });
    expect(ocppUrlsFor('CP1', req('::1'), {}, { ws: 9000, wss: 9443 })).toEqual({ ws: 'ws://[::1]:9000/ocpp/CP1', wss: 'wss://[::1]:9443/ocpp/CP1' });
  });

  it('is the configured public URL behind a proxy, in its own scheme only', () => {
    expect(ocppUrlsFor('CP1', req('internal'), { ocppPublicUrl: 'wss://ocpp.example.com/ocpp' }, { ws: 9000 })).toEqual({ ws: null, wss: 'wss://ocpp.example.com/ocpp/CP1' });
    expect(ocppUrlsFor('CP1', req('internal'), { ocppPublicUrl: 'ws://lb:80/x' }, { ws: 9000 })).toEqual({ ws: 'ws://lb:80/x/CP1', wss: null });
  });
});

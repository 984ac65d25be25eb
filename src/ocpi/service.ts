import type { Router } from 'express';
import type { Config } from '../config.js';
import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Partner } from '../store/ocpiPartners.js';
import { endpointOf, newCredentialsToken, sendCredentials, unregister, type HandshakeDeps } from './handshake.js';
import { pullTokens } from './tokenPull.js';
import { ownParty, versionsUrl, type OwnParty } from './party.js';
import { ocpiRouter } from './router.js';
import type { RoamingCalls } from './realtime.js';

export interface OcpiDeps {
  config: Config;
  store: Store;
  http: HttpClient;
  log: Logger;
  /** What the decision keeps of partners and pushed tokens in memory, told of changes. */
  roaming: Pick<RoamingCalls, 'partnersChanged' | 'tokenChanged'> | undefined;
}

/** Starts a connection: as Sender from the eMSP's versions URL and token A, or as Receiver by issuing token A. */
export type Connect =
  | { countryCode: string; partyId: string; versionsUrl: string; tokenA: string }
  | { countryCode: string; partyId: string; versionsUrl?: undefined; tokenA?: undefined };

/** The gateway's OCPI side; undefined when config names no OCPI party. */
export function createOcpi(deps: OcpiDeps) {
  const party = ownParty(deps.config);
  if (!party) return undefined;
  const partners = deps.store.ocpiPartners;
  const handshake: HandshakeDeps = { http: deps.http, partners, party, log: deps.log };
  const base = (requestBase: string) => party.publicUrl ?? requestBase;
  const tokenChanged = (uid: string, type: string) => deps.roaming?.tokenChanged(uid, type);
  const pull = (partner: Partner, since?: string) => pullTokens({ http: deps.http, store: deps.store, log: deps.log, changed: tokenChanged }, partner, { since });
  /** Once registered, the eMSP's whole token list is pulled in the background; a failure is the partner's last error. */
  const pullWhenRegistered = async (partnerId: string) => {
    const partner = await partners.get(partnerId);
    if (partner?.state !== 'registered' || !endpointOf(partner, 'tokens', 'SENDER')) return;
    await pull(partner).catch(async (err) => {
      deps.log.warn({ partnerId, err: (err as Error).message }, 'OCPI token pull failed');
      await partners.update(partnerId, { lastError: `token pull: ${(err as Error).message}` });
    });
  };
  const inBackground = (partnerId: string) => void pullWhenRegistered(partnerId).catch((err) => deps.log.error({ err, partnerId }, 'OCPI token pull crashed'));
  const changed = async (work: Promise<Partner>): Promise<Partner> => {
    try {
      const partner = await work;
      inBackground(partner.id);
      return partner;
    } finally {
      deps.roaming?.partnersChanged();
    }
  };

  return {
    party: party as OwnParty,
    router: ocpiRouter({
      store: deps.store,
      http: deps.http,
      party,
      log: deps.log,
      partnersChanged: () => deps.roaming?.partnersChanged(),
      tokenChanged,
      registered: inBackground,
    }) as Router,

    /** The eMSP's token list, pulled now (from `since` when given: tokens changed since then). */
    pullTokens: pull,

    /** Returns the partner, and token A in clear when we issued it (shown once). */
    async connect(input: Connect, requestBase: string): Promise<{ partner: Partner; tokenA?: string; ourVersionsUrl: string }> {
      const ourVersionsUrl = versionsUrl(base(requestBase));
      if (input.versionsUrl === undefined) {
        const tokenA = newCredentialsToken();
        const partner = await partners.create({ countryCode: input.countryCode, partyId: input.partyId, state: 'pending', inboundToken: tokenA });
        return { partner, tokenA, ourVersionsUrl };
      }
      const created = await partners.create({
        countryCode: input.countryCode,
        partyId: input.partyId,
        state: 'pending',
        versionsUrl: input.versionsUrl,
        outboundToken: input.tokenA,
      });
      return { partner: await changed(sendCredentials(handshake, created, base(requestBase), 'POST')), ourVersionsUrl };
    },

    /** New credentials tokens both ways and the eMSP's endpoints read again (PUT credentials). */
    update: (partner: Partner, requestBase: string) => changed(sendCredentials(handshake, partner, base(requestBase), 'PUT')),
    unregister: (partner: Partner) => changed(unregister(handshake, partner)),
  };
}

export type Ocpi = NonNullable<ReturnType<typeof createOcpi>>;

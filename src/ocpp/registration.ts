import type { Registration } from '../store/chargers.js';

/**
 * Whether a connection's charger is served: OCPP 1.6 §4.2 and 2.0.1 B02/B03. A charger stored as
 * pending or rejected may send only BootNotification, and what the gateway asked of it (a message
 * it triggered, the NotifyReport of a report it requested; B02.FR.09); anything else gets a
 * SecurityError (B02.FR.09, B03.FR.07). The state follows each BootNotification answer.
 */
export interface RegistrationState {
  readonly status: Registration;
  /** Set by a BootNotification answer. */
  answered(status: Registration): void;
  /** A CALL sent to the charger: a trigger allows the message it requests. */
  sent(method: string, params: unknown): void;
  /** Why this CALL of the charger is refused now; undefined when it is served. */
  refusal(action: string): string | undefined;
}

/** What each trigger's requestedMessage makes the charger send, where the action's name differs. */
const TRIGGERED_ACTION: Record<string, string> = {
  SignChargePointCertificate: 'SignCertificate',
  SignChargingStationCertificate: 'SignCertificate',
  SignV2GCertificate: 'SignCertificate',
  SignCombinedCertificate: 'SignCertificate',
};
const TRIGGERS = new Set(['TriggerMessage', 'ExtendedTriggerMessage']);
const ALWAYS = new Set(['BootNotification', 'NotifyReport']);

export function registrationState(initial: Registration): RegistrationState {
  let status = initial;
  const triggered = new Set<string>();
  return {
    get status() {
      return status;
    },
    answered(next) {
      status = next;
      triggered.clear();
    },
    sent(method, params) {
      if (status === 'accepted' || !TRIGGERS.has(method)) return;
      const requested = (params as { requestedMessage?: string }).requestedMessage;
      if (!requested) return;
      triggered.add(TRIGGERED_ACTION[requested] ?? requested);
      // The 1.6 security whitepaper's trigger names the signed status notification by the plain one.
      if (method === 'ExtendedTriggerMessage' && requested === 'FirmwareStatusNotification') triggered.add('SignedFirmwareStatusNotification');
    },
    refusal(action) {
      if (status === 'accepted' || ALWAYS.has(action) || triggered.has(action)) return undefined;
      return status === 'pending'
        ? `${action} refused: the charger is not accepted yet (BootNotification answered Pending)`
        : `${action} refused: the charger is rejected; only BootNotification is answered`;
    },
  };
}

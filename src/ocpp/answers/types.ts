import type { Store } from '../../store/index.js';
import type { Envelope } from '../../store/envelope.js';
import type { EventType } from '../../notifications/catalogue.js';
import type { OcppVersion } from '../context.js';

/** A command the charger answered, as the gateway sent it. */
export interface AnsweredCommand {
  chargerId: string;
  installationId: string;
  ocppVersion: OcppVersion;
  params: Record<string, any>;
  result: Record<string, any>;
}

/**
 * What the gateway keeps of a charger's answer to one command (a reservation, a charging profile),
 * written in the caller's transaction; returns the events it causes.
 */
export interface AnswerEffect {
  events: readonly EventType[];
  record(tx: Store, c: AnsweredCommand): Promise<Envelope[]>;
}

export const isV16 = (v: OcppVersion) => v === '1.6';

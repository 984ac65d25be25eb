import type { Unit } from '../../store/index.js';
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
 * written in the caller's unit of work with the events it causes.
 */
export interface AnswerEffect {
  record(tx: Unit, c: AnsweredCommand): Promise<void>;
}

export const isV16 = (v: OcppVersion) => v === '1.6';

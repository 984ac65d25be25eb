import type { Request } from 'express';
import type { ApiDeps } from './deps.js';
import type { AuditChanges } from '../store/audit.js';
import type { Charger } from '../store/chargers.js';
import type { OcppVersion } from '../ocpp/context.js';
import type { RemoteCommand } from '../ocpp/commands.js';
import { answerEffects } from '../ocpp/answers/index.js';
import { auditEntry } from './audit.js';

/** Configuration keys and device-model variables whose values are secrets (1.6 AuthorizationKey, 2.0.1 BasicAuthPassword). */
const SECRET_NAME = /password|authorizationkey|secret/i;

/** The request as the audit log keeps it: a secret value set by ChangeConfiguration or SetVariables becomes '***'. */
export function maskCommand(action: RemoteCommand, params: Record<string, any>): Record<string, unknown> {
  if (action === 'ChangeConfiguration' && SECRET_NAME.test(String(params.key))) return { ...params, value: '***' };
  if (action === 'SetVariables' && Array.isArray(params.setVariableData)) {
    const setVariableData = params.setVariableData.map((d: any) => (SECRET_NAME.test(String(d?.variable?.name)) ? { ...d, attributeValue: '***' } : d));
    return { ...params, setVariableData };
  }
  return params;
}

export interface SentCommand {
  charger: Charger;
  ocppVersion: OcppVersion;
  action: RemoteCommand;
  params: Record<string, any>;
}

const entry = (c: SentCommand, answer: unknown): { installationId: string; action: string; target: string; changes: AuditChanges } => ({
  installationId: c.charger.installationId,
  action: 'charger.command',
  target: c.charger.id,
  changes: { command: { to: c.action }, request: { to: maskCommand(c.action, c.params) }, answer: { to: answer } },
});

/**
 * The charger answered: what the gateway keeps of the answer (a reservation, a charging profile),
 * its events and the audit entry (who sent what, and the answer) commit together.
 */
export async function recordAnswer(deps: ApiDeps, req: Request, c: SentCommand, result: Record<string, any>): Promise<void> {
  const effect = answerEffects[c.action];
  const answered = { chargerId: c.charger.id, installationId: c.charger.installationId, ocppVersion: c.ocppVersion, params: c.params, result };
  await deps.store.transact(async (tx) => {
    await effect?.record(tx, answered);
    await tx.audit(auditEntry(req, entry(c, result)));
  });
}

/** A command that reached no answer (offline, timeout, CALLERROR) is audited with its error code. */
export async function recordFailure(deps: ApiDeps, req: Request, c: SentCommand, error: { code: string; details?: unknown }): Promise<void> {
  await deps.store.transact((tx) => tx.audit(auditEntry(req, entry(c, { error: error.code, ...(error.details !== undefined && { details: error.details }) }))));
}

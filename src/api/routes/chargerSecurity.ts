import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { parseBody } from '../validate.js';
import { changeChargerSetting, chargerView, requireCharger } from './lookups.js';
import type { Unit } from '../../store/index.js';
import { generatePassword, hashPassword, PASSWORD_LENGTH } from '../../ocpp/chargerPassword.js';
import { auditEntry } from '../audit.js';
import { versionOf, type OcppVersion } from '../../ocpp/context.js';
import type { RemoteCommand } from '../../ocpp/commands.js';

export const securityProfileField = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)], {
  error: 'must be 0 (none), 1 (Basic), 2 (TLS + Basic) or 3 (mutual TLS)',
});

export const chargerSecurityBody = z.strictObject({ securityProfile: securityProfileField.nullable() });

/** The Basic password is the AuthorizationKey's bytes; printable ASCII makes characters and bytes one count. */
const PASSWORD_BYTES = PASSWORD_LENGTH;

export const chargerPasswordBody = z.strictObject({
  password: z
    .string()
    .min(PASSWORD_BYTES.min, `must be at least ${PASSWORD_BYTES.min} characters`)
    .max(PASSWORD_BYTES.max, `must be at most ${PASSWORD_BYTES.max} characters (OCPP 1.6 AuthorizationKey: 20 bytes)`)
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
    .optional(),
});


export function chargerSecurityRoutes(deps: ApiDeps): Router {
  const router = Router();

  // null falls back to the installation's profile.
  router.put('/chargers/:id/security-profile', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    const { securityProfile } = parseBody(chargerSecurityBody, req.body);
    const write = (tx: Unit) => tx.chargers.setSecurityProfile(charger.id, securityProfile);
    await changeChargerSetting(deps, req, charger, { key: 'securityProfile', to: securityProfile, action: 'charger.security_profile_changed', write });
    res.json(chargerView(deps, (await deps.store.chargers.get(charger.id))!));
  });

  /**
   * Sets or rotates the Basic-auth password. A connected charger is told first, in its version's
   * message; only when it accepts is the new one stored, so it is never locked out. The password is returned once.
   */
  router.post('/chargers/:id/password', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    const { password = generatePassword() } = parseBody(chargerPasswordBody, req.body);
    const client = deps.registry.get(charger.id);
    if (client) {
      const change = passwordChange(versionOf(client.protocol), password);
      const conf = (await deps.commands.send(charger.id, change.action, change.params).catch((err) => {
        throw new ApiError(err.code ?? 'COMMAND_FAILED', err.message, err.details);
      })) as Record<string, any>;
      const status = change.status(conf);
      if (status !== 'Accepted' && status !== 'RebootRequired') {
        throw new ApiError('CHARGER_CALL_ERROR', `The charger answered ${status} to the new password; the old password stays`, { status });
      }
    }
    const hash = await hashPassword(password);
    await deps.store.transact(async (tx) => {
      await tx.chargers.setPasswordHash(charger.id, hash);
      await tx.audit(auditEntry(req, { installationId: charger.installationId, action: 'charger.password_set', target: charger.id, changes: { password: { changed: true } } }));
    });
    res.status(201).json({ chargerId: charger.id, password });
  });

  return router;
}

/**
 * How each version sets a charger's Basic-auth password: 1.6 ChangeConfiguration AuthorizationKey,
 * hex-encoded as the security whitepaper says; 2.0.1 and 2.1 SetVariables SecurityCtrlr.BasicAuthPassword (A01.FR.02).
 */
function passwordChange(version: OcppVersion, password: string): { action: RemoteCommand; params: Record<string, unknown>; status: (conf: Record<string, any>) => string } {
  if (version === '1.6') {
    return { action: 'ChangeConfiguration', params: { key: 'AuthorizationKey', value: Buffer.from(password).toString('hex') }, status: (conf) => conf.status };
  }
  const target = { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } };
  return {
    action: 'SetVariables',
    params: { setVariableData: [{ attributeValue: password, ...target }] },
    status: (conf) => conf.setVariableResult?.[0]?.attributeStatus,
  };
}

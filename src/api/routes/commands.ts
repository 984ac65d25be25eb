import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { ApiError, type FieldError } from '../errors.js';
import { COMMANDS_BY_VERSION, CommandError, isRemoteCommand, REMOTE_COMMANDS, validateCommand } from '../../ocpp/commands.js';
import { versionOf, type OcppVersion } from '../../ocpp/context.js';
import { requireCharger } from './lookups.js';
import { recordAnswer, recordFailure } from '../commandAudit.js';

/**
 * CommandError codes are API error codes too, so the status comes from the one table.
 * Schema errors are flattened to the same `[{field, message}]` details every other 400 carries.
 */
export function toApiError(err: unknown): unknown {
  if (!(err instanceof CommandError)) return err;
  if (err.code === 'COMMAND_INVALID') return new ApiError(err.code, err.message, (err.details.errors ?? []) as FieldError[]);
  return new ApiError(err.code, err.message, Object.keys(err.details).length ? err.details : undefined);
}

export function commandRoutes(deps: ApiDeps): Router {
  const router = Router();

  // The body is the OCPP request payload itself, checked against the schema of the charger's version
  // here (the node holding the charger checks it again against its live connection).
  router.post('/chargers/:id/commands/:action', async (req, res) => {
    const { action } = req.params;
    if (!isRemoteCommand(action)) {
      throw new ApiError('NOT_FOUND', `Unknown command ${action}; supported: ${REMOTE_COMMANDS.join(', ')}`, {
        supported: REMOTE_COMMANDS,
        byVersion: COMMANDS_BY_VERSION,
      });
    }
    const charger = await requireCharger(deps, req, req.params.id);
    // This node's live connection, else the version the charger's current or last connection stored.
    const client = deps.registry.get(charger.id);
    const version = client ? versionOf(client.protocol) : (charger.ocppVersion as OcppVersion | null);
    const params = (req.body ?? {}) as Record<string, any>;
    // A charger never connected has no version yet: it is offline, which send() answers.
    if (version) {
      try {
        validateCommand(version, action, params);
      } catch (err) {
        throw toApiError(err);
      }
    }
    const sent = version && { charger, ocppVersion: version, action, params };
    let result: Record<string, any>;
    try {
      result = (await deps.commands.send(charger.id, action, params)) as Record<string, any>;
    } catch (err) {
      if (sent && err instanceof CommandError && err.code !== 'COMMAND_INVALID') await recordFailure(deps, req, sent, err);
      throw toApiError(err);
    }
    if (sent) await recordAnswer(deps, req, sent, result);
    res.json({ action, result });
  });

  return router;
}

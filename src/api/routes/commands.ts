import { Router } from 'express';
import type { ApiDeps } from '../app.js';
import { ApiError, type FieldError } from '../errors.js';
import { CommandError, REMOTE_COMMANDS, type RemoteCommand } from '../../ocpp/commands.js';
import { requireCharger } from './lookups.js';

const isRemoteCommand = (action: string): action is RemoteCommand => (REMOTE_COMMANDS as readonly string[]).includes(action);

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

  // The body is the OCPP request payload itself, checked against the OCPP 1.6 schema before it is sent.
  router.post('/chargers/:id/commands/:action', async (req, res) => {
    const { action } = req.params;
    if (!isRemoteCommand(action)) {
      throw new ApiError('NOT_FOUND', `Unknown command ${action}; supported: ${REMOTE_COMMANDS.join(', ')}`, {
        supported: REMOTE_COMMANDS,
      });
    }
    const charger = await requireCharger(deps, req, req.params.id);
    try {
      const result = await deps.commands.send(charger.id, action, req.body ?? {});
      res.json({ action, result });
    } catch (err) {
      throw toApiError(err);
    }
  });

  return router;
}

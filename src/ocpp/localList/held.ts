import { idTagKey } from '../../store/idTags.js';
import type { ChargerContext, OcppDeps } from '../context.js';

/**
 * Whether the charger held the tag as Accepted in the list we sent it, so it may have let the
 * transaction start on its own (offline, or before asking): stored with the gateway's own decision.
 */
export async function heldInLocalList(deps: OcppDeps, ctx: ChargerContext, idTag: string): Promise<boolean> {
  const settings = await deps.settings.get(ctx.installationId);
  if (!settings || settings.localList.mode === 'off') return false;
  const list = await deps.store.localLists.get(ctx.chargerId);
  const key = idTagKey(idTag);
  return list?.entries.some((e) => idTagKey(e.idTag) === key && e.info.status === 'Accepted') ?? false;
}

import { Router, type Request } from 'express';
import type { Store } from '../store/index.js';
import { OCPI_STATUS, OcpiError, success } from './envelope.js';
import { isPublished, locationObject, type OcpiLocation } from './locations.js';
import { page } from './paginate.js';
import type { OwnParty } from './party.js';

const unknown = (what: string) => new OcpiError(404, OCPI_STATUS.UNKNOWN_LOCATION, `Unknown ${what}`);

/** Locations sender (OCPI 2.2.1 §8.2.1): the installations roaming partners may charge at, their chargers as EVSEs. */
export function locationRoutes(store: Store, party: OwnParty, base: (req: Request) => string): Router {
  const router = Router();
  const published = async (locationId?: string): Promise<OcpiLocation[]> =>
    (await store.locations.located(locationId)).filter(isPublished).map((site) => locationObject(party, site));
  const find = async (locationId: string) => {
    const [found] = await published(locationId);
    if (!found) throw unknown('location');
    return found;
  };

  router.get('/', async (req, res) => {
    res.json(success(page(req, res, await published(), base(req))));
  });
  router.get('/:location_id', async (req, res) => {
    res.json(success(await find(req.params.location_id)));
  });
  router.get('/:location_id/:evse_uid', async (req, res) => {
    const evse = (await find(req.params.location_id)).evses.find((e) => e.uid === req.params.evse_uid);
    if (!evse) throw unknown('EVSE');
    res.json(success(evse));
  });
  router.get('/:location_id/:evse_uid/:connector_id', async (req, res) => {
    const evse = (await find(req.params.location_id)).evses.find((e) => e.uid === req.params.evse_uid);
    const connector = evse?.connectors.find((c) => c.id === req.params.connector_id);
    if (!connector) throw unknown(evse ? 'connector' : 'EVSE');
    res.json(success(connector));
  });
  return router;
}

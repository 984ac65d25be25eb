import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parseBody } from '../validate.js';
import { requireInstallation } from './lookups.js';
import { CONNECTOR_FORMATS, CONNECTOR_STANDARDS, POWER_TYPES } from '../../ocpi/locations.js';

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
};
const degrees = (digits: number, max: number, example: string) =>
  z
    .string()
    .regex(new RegExp(`^-?[0-9]{1,${digits}}\\.[0-9]{5,7}$`), 'must be decimal degrees with 5 to 7 decimals, e.g. "52.37403"')
    .refine((v) => Math.abs(Number(v)) <= max, `must be within ±${max}`)
    .meta({ examples: [example] });

/** The OCPI 2.2.1 Location fields an installation keeps (§8.3.1, with OCPI's lengths). */
export const locationBody = z.strictObject({
  location: z
    .strictObject({
      name: z.string().min(1).max(255).optional(),
      address: z.string().min(1).max(45),
      city: z.string().min(1).max(45),
      postalCode: z.string().min(1).max(10).optional(),
      state: z.string().min(1).max(20).optional(),
      country: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code, e.g. NLD').meta({ examples: ['NLD'] }),
      latitude: degrees(2, 90, '52.37893'),
      longitude: degrees(3, 180, '4.90060'),
      timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Amsterdam').meta({ examples: ['Europe/Amsterdam'] }),
      connector: z
        .strictObject({
          standard: z.enum(CONNECTOR_STANDARDS),
          format: z.enum(CONNECTOR_FORMATS),
          powerType: z.enum(POWER_TYPES),
          maxVoltage: z.int().positive(),
          maxAmperage: z.int().positive(),
          maxElectricPower: z.int().positive().optional(),
        })
        .default({ standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE', maxVoltage: 400, maxAmperage: 32 }),
      energyPrice: z.number().min(0).max(100).optional().meta({ description: 'Per kWh excluding VAT, in the OCPI currency, for roaming CDRs', examples: [0.35] }),
      vatPercent: z.number().min(0).max(100).optional().meta({ examples: [21] }),
    })
    .nullable(),
});

/** Where an installation is, for roaming partners: published as an OCPI Location once OCPI is among its sources. */
export function installationLocationRoutes(deps: ApiDeps): Router {
  const router = Router();
  const path = '/installations/:id/location';
  const answer = async (installationId: string, location: unknown) => ({ location, published: await deps.store.locations.published(installationId) });

  router.get(path, async (req, res) => {
    const installation = await requireInstallation(deps, req, String(req.params.id));
    res.json(await answer(installation.id, await deps.store.locations.get(installation.id)));
  });

  // null takes the installation off the roaming partners' Locations.
  router.put(path, async (req, res) => {
    const installation = await requireInstallation(deps, req, String(req.params.id), 'owner');
    const { location } = parseBody(locationBody, req.body);
    res.json(await answer(installation.id, await deps.store.locations.set(installation.id, location)));
  });
  return router;
}

import { common, failure, int, obj, ok, orNull, queryParams, ref, str, time } from './openapiParts.js';
import { dashboardQuery } from './routes/dashboard.js';

/** GET /api/dashboard, in the OpenAPI document. */
export const dashboardPaths = {
  '/api/dashboard': {
    get: {
      tags: ['installations'], summary: 'What a site owner checks first, per installation the caller may see',
      description:
        'Chargers online and offline, sessions charging now and started today, energy today (sessions that stopped today, plus so far those charging now), '
        + 'authorization decisions of the last hour by source, and subscriptions that are not delivering.',
      parameters: queryParams(dashboardQuery),
      responses: { '200': ok('One item per installation', ref('Dashboard')), '400': failure('VALIDATION_FAILED'), ...common },
    },
  },
};

export const dashboardSchemas = {
  Dashboard: obj({
    at: time,
    dayStart: time,
    items: {
      type: 'array',
      items: obj({
        id: str,
        name: str,
        chargers: obj({ online: int, offline: int }),
        sessions: obj({ now: int, today: int }),
        energyTodayWh: int,
        decisionsLastHour: { type: 'object', additionalProperties: int, description: 'By source: native, webhook (the provider), cache, offline, default' },
        failingSubscriptions: {
          type: 'array',
          items: obj({ id: str, label: str, state: { type: 'string', enum: ['queued', 'unverified', 'disabled'] }, reason: orNull(str), failures: int }),
        },
      }),
    },
  }),
};

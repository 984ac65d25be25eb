import { body, chargerId, common, failure, fromZod, installationId, int, json, list, noContent, obj, ok, orNull, pathParam, ref, str, time, withBody } from './openapiParts.js';
import { chargerRegistrationBody, registerChargerBody } from './routes/chargers.js';
import { chargerPasswordBody, chargerSecurityBody } from './routes/chargerSecurity.js';

/**
 * Chargers in the OpenAPI document: registration, detail with connectors and anomalies, their
 * own security profile and Basic-auth password. Response shapes mirror the store's row mappers
 * (src/store/chargers.ts, anomalies.ts).
 */

export const chargerPaths = {
  '/api/installations/{id}/chargers': {
    parameters: [installationId],
    post: {
      tags: ['chargers'], summary: 'Register a charger; ids are unique across installations',
      requestBody: body(fromZod(registerChargerBody)),
      responses: { '201': ok('Registered', ref('Charger')), '404': failure('NOT_FOUND'), '409': failure('CONFLICT'), ...withBody },
    },
    get: { tags: ['chargers'], summary: "List an installation's chargers", responses: { '200': ok('Chargers', list('Charger')), '404': failure('NOT_FOUND'), ...common } },
  },
  '/api/installations/{id}/chargers/{chargerId}': {
    parameters: [installationId, pathParam('chargerId', 'Charger id')],
    delete: {
      tags: ['chargers'], summary: 'Remove a charger; a live connection is closed',
      responses: { '204': noContent, '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/chargers/{id}': {
    parameters: [chargerId],
    get: {
      tags: ['chargers'], summary: 'A charger with its boot information, connectors and anomalies',
      responses: { '200': ok('The charger', ref('ChargerDetail')), '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/chargers/{id}/security-events': {
    parameters: [chargerId],
    get: {
      tags: ['chargers'], summary: "The charger's security events (SecurityEventNotification: 2.0.1, and 1.6 with the security whitepaper), newest first, at most 500",
      responses: { '200': ok('Security events', list('SecurityEvent')), '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/chargers/{id}/local-list': {
    parameters: [chargerId],
    get: {
      tags: ['chargers'], summary: "The charger's Local Authorization List as the gateway keeps it: version, entries, state and the charger's last answer",
      responses: { '200': ok('The list state', ref('LocalList')), '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/chargers/{id}/local-list/sync': {
    parameters: [chargerId],
    post: {
      tags: ['chargers'], summary: 'Send the charger its whole Local Authorization List again (SendLocalList Full, after GetLocalListVersion)',
      description: 'Answered at once with the list being sent (state syncing, version 0 until the charger confirms); a charger offline gets it when it returns. localList.synced or localList.failed follows.',
      responses: { '202': ok('The list state', ref('LocalList')), '404': failure('NOT_FOUND'), '409': failure('LOCAL_LIST_OFF'), ...common },
    },
  },
  '/api/chargers/{id}/reservations': {
    parameters: [chargerId],
    get: {
      tags: ['chargers'], summary: "The charger's reservations (ReserveNow it accepted), newest first, at most 200",
      description: 'Made with POST /api/chargers/{id}/commands/ReserveNow and ended with CancelReservation, by a transaction started on them, or at their expiry.',
      responses: { '200': ok('Reservations', list('Reservation')), '404': failure('NOT_FOUND'), ...common },
    },
  },
  '/api/chargers/{id}/charging-profiles': {
    parameters: [chargerId],
    get: {
      tags: ['chargers'], summary: 'The charging profiles the gateway set on the charger (SetChargingProfile accepted, not cleared since)',
      responses: { '200': ok('Charging profiles', list('ChargingProfile')), '404': failure('NOT_FOUND'), ...common },
    },
  },
};

export const chargerRegistrationPaths = {
  '/api/chargers/{id}/registration': {
    parameters: [chargerId],
    put: {
      tags: ['chargers'],
      summary: "Set how the charger's BootNotification is answered: accepted, pending or rejected",
      description:
        'OCPP RegistrationStatus. A pending or rejected charger gets that answer to BootNotification (with BOOT_RETRY_INTERVAL_SEC as the interval) and a SecurityError CALLERROR for anything else it sends, except what the gateway triggered or a NotifyReport. A connected charger is sent TriggerMessage BootNotification so the change applies at once; `bootTriggered` says whether it accepted.',
      requestBody: body(fromZod(chargerRegistrationBody)),
      responses: {
        '200': ok('The charger', { allOf: [ref('Charger'), obj({ bootTriggered: { type: 'boolean', description: 'The connected charger accepted TriggerMessage BootNotification' } })] }),
        '404': failure('NOT_FOUND'),
        ...withBody,
      },
    },
  },
};

export const chargerSecurityPaths = {
  '/api/chargers/{id}/security-profile': {
    parameters: [chargerId],
    put: {
      tags: ['chargers'], summary: "Set the charger's own OCPP security profile (null: the installation's)",
      requestBody: body(fromZod(chargerSecurityBody)),
      responses: { '200': ok('The charger', ref('Charger')), '404': failure('NOT_FOUND'), ...withBody },
    },
  },
  '/api/chargers/{id}/password': {
    parameters: [chargerId],
    post: {
      tags: ['chargers'], summary: 'Set or rotate the Basic-auth password (profiles 1 and 2); generated when not given, returned once',
      description: 'A connected charger first gets ChangeConfiguration AuthorizationKey (hex); the password is stored only when it accepts.',
      requestBody: { required: false, ...json(fromZod(chargerPasswordBody)) },
      responses: {
        '201': ok('The password, this once', { type: 'object', required: ['chargerId', 'password'], properties: { chargerId: str, password: str } }),
        '404': failure('NOT_FOUND'), '409': failure('CHARGER_OFFLINE'), '502': failure('CHARGER_CALL_ERROR', 'COMMAND_FAILED'), '504': failure('COMMAND_TIMEOUT'),
        ...withBody,
      },
    },
  },
};

export const chargerSchemas = {
  Charger: obj({
    id: str,
    installationId: str,
    online: { type: 'boolean', description: 'True while the charger holds a WebSocket to this gateway (any node of it)' },
    nodeId: orNull({ ...str, description: 'The gateway node holding its WebSocket; null when offline' }),
    lastSeen: orNull(time),
    ocppVersion: orNull({ type: 'string', enum: ['1.6', '2.0.1', '2.1'], description: "The OCPP version of the charger's current or last connection; null before its first" }),
    boot: obj({
      vendor: orNull(str), model: orNull(str), serialNumber: orNull(str), firmwareVersion: orNull(str), bootedAt: orNull(time),
      details: orNull({ type: 'object', description: 'The other BootNotification.req fields' }),
    }),
    securityProfile: orNull({ type: 'integer', enum: [0, 1, 2, 3], description: "Overrides the installation's; null: the installation's" }),
    passwordSetAt: orNull({ ...time, description: 'When the Basic-auth password was last set; the password is never returned' }),
    offlineConfig: orNull({
      type: 'object',
      description:
        'What the charger answered when the installation\'s offlineAllow was pushed (1.6: ChangeConfiguration LocalAuthorizeOffline, AllowOfflineTxForUnknownId; 2.0.1: SetVariables AuthCtrlr.LocalAuthorizeOffline, AuthCtrlr.OfflineTxForUnknownIdEnabled, AuthCacheCtrlr.Enabled). A charger that applied the setting before is read first at each boot (GetConfiguration, GetVariables) and written only where it differs; `Unchanged` marks a value it already held',
      properties: {
        offlineAllow: { type: 'boolean' },
        localList: { type: 'boolean', description: 'Whether the installation kept local lists when this was pushed (LocalAuthorizeOffline on)' },
        applied: { type: 'boolean' },
        results: { type: 'object' },
        at: time,
      },
    }),
    firmwareStatus: orNull(obj({ status: str, at: time })),
    diagnosticsStatus: orNull({ ...obj({ status: str, at: time }), description: 'DiagnosticsStatusNotification (1.6) or LogStatusNotification (2.0.1)' }),
    deviceModel: orNull({
      ...obj({
        vendor: orNull(str), model: orNull(str), serialNumber: orNull(str), firmwareVersion: orNull(str),
        evses: { type: 'array', items: obj({ id: int, connectors: { type: 'array', items: obj({ id: int, type: orNull({ ...str, description: 'ConnectorType, when reported' }) }) } }) },
        requestId: int, generatedAt: time,
      }),
      description: 'What an OCPP 2.0.1 charger reported of itself in NotifyReport (merged over reports); null until it sent one',
    }),
    registration: { type: 'string', enum: ['accepted', 'pending', 'rejected'], description: 'How its BootNotification is answered (PUT /api/chargers/{id}/registration); unknown chargers joining the default installation start as UNKNOWN_CHARGER_REGISTRATION says' },
    createdAt: time,
  }),
  ChargerDetail: {
    allOf: [
      ref('Charger'),
      obj({
        connectors: { type: 'array', items: ref('Connector') },
        anomalies: { type: 'array', items: ref('Anomaly') },
        ocppUrls: obj(
          { ws: orNull(str), wss: orNull(str) },
          { description: 'The URL to configure in the charger: OCPP_PUBLIC_URL/{id} when set, else this host on the OCPP ports (wss only with OCPP_TLS_PORT)' },
        ),
      }),
    ],
  },
  Connector: obj({
    evseId: orNull({ type: 'integer', description: 'The OCPP 2.0.1 EVSE the connector belongs to; null for a 1.6 connector' }),
    connectorId: { type: 'integer', description: '1.6: 0 is the charger itself; 2.0.1: numbered within its EVSE' },
    status: str, errorCode: str, info: orNull(str), vendorErrorCode: orNull(str),
    statusAt: orNull({ ...time, description: "The charger's timestamp" }), updatedAt: time,
  }),
  LocalList: obj({
    chargerId: str,
    mode: { type: 'string', enum: ['off', 'native', 'native+recent'], description: "The installation's localList setting" },
    state: {
      type: 'string', enum: ['in_sync', 'syncing', 'not_supported', 'failed', 'off'],
      description: 'in_sync: the charger holds the list; syncing: being sent or waiting for the charger to connect; not_supported: the charger has no local list; failed: the charger refused it (see answer)',
    },
    version: { ...int, description: 'The list version the charger confirmed last; 0 before the first' },
    contentHash: orNull(str),
    entries: {
      type: 'array',
      items: obj(
        { idTag: str, info: obj({ status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired', 'Invalid'] } }, {}, { expiryDate: time, parentIdTag: str }) },
        {},
        { type: { ...str, description: 'The OCPP 2.0.1 id-token type the entry was sent with' } },
      ),
    },
    answer: orNull({ ...str, description: "The charger's last answer: a SendLocalList status (Accepted, Failed, VersionMismatch, NotSupported) or an error" }),
    maxLength: orNull({ ...int, description: '1.6 LocalAuthListMaxLength' }),
    sendMaxLength: orNull({ ...int, description: '1.6 SendLocalListMaxLength; 2.0.1 LocalAuthListCtrlr.ItemsPerMessage' }),
    bytesPerMessage: orNull({ ...int, description: '2.0.1 LocalAuthListCtrlr.BytesPerMessage' }),
    syncedAt: orNull(time), updatedAt: orNull(time),
  }),
  SecurityEvent: obj({
    id: int, type: { ...str, description: 'OCPP 2.0.1 security event type, e.g. FirmwareUpdated, InvalidCsmsCertificate' },
    timestamp: { ...time, description: "The charger's timestamp" }, techInfo: orNull(str), receivedAt: time,
  }),
  Reservation: obj({
    chargerId: str, reservationId: int, installationId: str,
    connectorId: { type: 'integer', description: '1.6 connector or 2.0.1 EVSE; 0: any' },
    idTag: { ...str, description: 'For 2.0.1, idToken.idToken' },
    parentIdTag: orNull({ ...str, description: '1.6 parentIdTag, 2.0.1 groupIdToken.idToken' }),
    idTokenType: orNull({ ...str, description: '2.0.1 idToken.type' }),
    ocppVersion: str, expiryDate: time,
    status: { type: 'string', enum: ['active', 'used', 'cancelled', 'expired'] },
    transactionId: orNull({ ...int, description: 'The transaction that used it' }),
    createdAt: time, endedAt: orNull(time),
  }),
  ChargingProfile: obj({
    profileId: int,
    connectorId: { type: 'integer', description: '1.6 connectorId, 2.0.1 evseId; 0: the whole charger' },
    stackLevel: int, purpose: str,
    profile: { type: 'object', description: 'As sent: 1.6 csChargingProfiles, 2.0.1 chargingProfile' },
    setAt: time,
  }),
  Anomaly: obj({
    id: int,
    kind: { type: 'string', enum: ['unknown_transaction', 'already_stopped', 'meter_stop_below_start', 'foreign_meter_values'] },
    transactionId: orNull(int), payload: { description: 'The frame as received' }, receivedAt: time,
  }),
};

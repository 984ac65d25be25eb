import { common, failure, int, obj, ok, orNull, pathParam, queryParams, ref, str, time } from './openapiParts.js';
import { exportTransactionsQuery, listTransactionsQuery } from './routes/transactions.js';

/**
 * Transactions and their meter values, in the OpenAPI document. Response shapes mirror the
 * store's row mappers (src/store/transactions.ts, meterValues.ts).
 */

export const transactionPaths = {
  '/api/transactions': {
    get: {
      tags: ['transactions'], summary: 'List transactions of every OCPP version, newest first',
      parameters: queryParams(listTransactionsQuery),
      responses: {
        '200': ok('A page of transactions', {
          type: 'object', required: ['items', 'limit', 'offset'],
          properties: { items: { type: 'array', items: ref('Transaction') }, limit: { type: 'integer' }, offset: { type: 'integer' } },
        }),
        '400': failure('VALIDATION_FAILED'),
        ...common,
      },
    },
  },
  '/api/transactions.csv': {
    get: {
      tags: ['transactions'], summary: 'The same list as CSV (RFC 4180, one header row), up to 10,000 sessions, for a spreadsheet',
      parameters: queryParams(exportTransactionsQuery),
      responses: {
        '200': { description: 'sessions.csv', content: { 'text/csv': { schema: { type: 'string' } } } },
        '400': failure('VALIDATION_FAILED'),
        ...common,
      },
    },
  },
  '/api/transactions/{id}': {
    parameters: [pathParam('id', 'Transaction id as given to the charger', { type: 'integer', minimum: 1 })],
    get: {
      tags: ['transactions'], summary: 'A transaction with its meter values',
      responses: { '200': ok('The transaction', ref('TransactionDetail')), '400': failure('VALIDATION_FAILED'), '404': failure('NOT_FOUND'), ...common },
    },
  },
};

export const transactionSchemas = {
  Transaction: obj({
    id: int, chargerId: str, installationId: str, connectorId: int,
    idTag: { ...str, description: 'Empty for a 2.0.1 transaction the charger started before any id token (authorization.status Pending)' },
    meterStart: { type: 'integer', description: 'Wh' }, startTime: time, startReceivedAt: time, reservationId: orNull(int),
    authorization: obj({ status: str, source: str, reason: orNull(str) }),
    active: { type: 'boolean' }, late: { type: 'boolean', description: 'Reported long after it started (e.g. buffered while offline)' },
    stop: orNull(obj({ meterStop: int, time, receivedAt: time, reason: orNull(str), idTag: orNull(str) })),
    energyWh: orNull(int),
    energyNowWh: orNull({ ...int, description: 'While charging: the latest energy register reading minus meterStart (Wh); null once stopped or before any reading' }),
    meterAnomaly: { type: 'boolean', description: 'meterStop was below meterStart' },
    providerSessionId: orNull({ ...str, description: "The provider's sessionId from session start (webhook mode)" }),
    roaming: orNull({
      ...obj({
        partnerId: str,
        authorizationReference: orNull(str),
        token: orNull({ type: 'object', description: 'OCPI CdrToken: country_code, party_id, uid, type, contract_id' }),
        authMethod: orNull({ type: 'string', enum: ['AUTH_REQUEST', 'WHITELIST'] }),
      }),
      description: 'OCPI: the roaming partner (eMSP) that authorized it and its authorization_reference (docs/ocpi.md)' }),
    authorizedOffline: { type: 'boolean', description: 'Accepted by the offline policy because the provider was unreachable' },
    localList: { type: 'boolean', description: "The charger held the id tag as Accepted in the Local Authorization List the gateway sent it, so it may have started on its own; the gateway still decided (authorization)" },
    ocppVersion: { type: 'string', enum: ['1.6', '2.0.1', '2.1'], description: 'The version the charger spoke when it started the transaction' },
    chargerTransactionId: { ...str, description: "What the charger calls it: a 2.0.1 charger's own transactionId; for 1.6, id as text (the id the charger was given)" },
    evseId: orNull({ ...int, description: '2.0.1: the EVSE, also given as connectorId (an EVSE runs one transaction, as a 1.6 connector does)' }),
    evseConnectorId: orNull({ ...int, description: '2.0.1: the connector of the EVSE, when the charger named it' }),
    idTokenType: orNull({ ...str, description: '2.0.1 IdTokenEnumType of idTag (ISO14443, eMAID, …)' }),
    lastSeqNo: orNull({ ...int, description: "2.0.1: the highest seqNo of the charger's TransactionEvents applied" }),
  }),
  MeterValue: obj({
    id: int, connectorId: int, timestamp: time, sampledValue: { type: 'array', items: { type: 'object' } },
    source: { type: 'string', enum: ['MeterValues', 'StopTransaction', 'TransactionEvent'] },
  }),
  TransactionDetail: {
    allOf: [
      ref('Transaction'),
      obj({
        authorization: obj({
          status: str, source: { type: 'string', enum: ['default', 'native', 'webhook', 'cache', 'offline'] }, reason: orNull(str),
          expiryDate: orNull({ ...time, description: 'idTagInfo.expiryDate the charger got' }), parentIdTag: orNull({ ...str, description: 'idTagInfo.parentIdTag the charger got' }),
          provider: orNull({
            ...obj({
              allowed: { type: 'boolean' }, status: { ...str, description: 'Accepted when it allowed (even if ConcurrentTx then refused)' },
              reason: orNull({ ...str, description: "The provider's own words when it refused" }), httpStatus: orNull({ ...int, description: 'When it refused with a 4xx instead of a reply' }),
              sessionId: orNull(str), expiryDate: orNull(time), parentIdTag: orNull(str),
            }),
            description: "The provider's answer to session start, when the provider decided (source webhook); null otherwise",
          }),
        }),
        meterValues: { type: 'array', items: ref('MeterValue') },
        sessionEnd: orNull(
          obj({
            status: { type: 'string', enum: ['pending', 'delivered', 'cancelled'] }, attempts: int, lastStatus: orNull(int),
            lastError: orNull(str), createdAt: time, deliveredAt: orNull(time), nextAttemptAt: time,
          }),
        ),
      }),
    ],
  },
};

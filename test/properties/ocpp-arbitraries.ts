// fast-check generators for what a broken, hostile or merely sloppy charger puts on the wire:
// any text, any JSON, and CALLs of real actions whose payloads are almost right.

import fc from 'fast-check';

export const ACTIONS = [
  'Authorize',
  'BootNotification',
  'DataTransfer',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'Heartbeat',
  'MeterValues',
  'StartTransaction',
  'StatusNotification',
  'StopTransaction',
] as const;

/** Tags the installation knows (accepted) and one it does not, so both decisions are stored. */
export const KNOWN_TAGS = ['FUZZ-OK', 'fuzz-ok-2'];

/** A long run of one short piece, at most `maxBytes` of UTF-8: hits the frame-size guard without costing the generator. */
export const hugeString = (maxBytes: number) =>
  fc
    .tuple(fc.constantFrom('x', 'ab', 'é', '€', '🙂', '"', '\\'), fc.integer({ min: 256, max: maxBytes }))
    .map(([piece, bytes]) => piece.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(piece)))));

/** Objects or arrays nested this deep: JSON.parse copes, recursive code might not. */
export const deepNesting = fc.tuple(fc.integer({ min: 1, max: 500 }), fc.boolean()).map(([depth, arrays]) => {
  let v: unknown = arrays ? [] : {};
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
});

/** Strings in any plane, lone surrogates included (they reach the wire as U+FFFD). */
export const unicodeString = (maxLength = 40) => fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: 'grapheme', maxLength }));

export const junk = (maxBytes: number) =>
  fc.oneof(
    fc.string({ maxLength: 30 }),
    unicodeString(),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(Number),
    fc.boolean(),
    fc.constant(null),
    hugeString(maxBytes),
    deepNesting,
    fc.jsonValue({ maxDepth: 3 }),
  );

/** Mostly a right value, sometimes anything at all. */
const almost = <T>(valid: fc.Arbitrary<T>, maxBytes: number) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junk(maxBytes) });

const ciString = (max: number) => fc.oneof(fc.string({ minLength: 1, maxLength: max }), unicodeString(max + 5));
const idTag = fc.oneof(fc.constantFrom(...KNOWN_TAGS, 'UNKNOWN-TAG'), ciString(20));
const integer = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer(), fc.constantFrom(2 ** 31, 2 ** 53 - 1, -1));
const timestamp = fc.oneof(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2024-02-30T25:61:00Z', '2024-01-01T00:00:00+14:00', '2024-01-01', 'yesterday', '2024-01-01T00:00:00.123456789Z'),
);
const enumOf = (...values: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const sampledValue = fc.record(
  { value: fc.oneof(fc.integer().map(String), fc.string()), measurand: enumOf('Energy.Active.Import.Register', 'Power.Active.Import'), unit: enumOf('Wh', 'kWh', 'W') },
  { requiredKeys: ['value'] },
);
const meterValue = fc.record({ timestamp, sampledValue: fc.array(sampledValue, { maxLength: 3 }) });

/** Each action's fields with right-typed values; the payload generator below bends them. */
const fields: Record<(typeof ACTIONS)[number], Record<string, fc.Arbitrary<unknown>>> = {
  Authorize: { idTag },
  BootNotification: { chargePointVendor: ciString(20), chargePointModel: ciString(20), chargePointSerialNumber: ciString(25), firmwareVersion: ciString(50), meterType: ciString(25) },
  DataTransfer: { vendorId: ciString(255), messageId: ciString(50), data: fc.string() },
  DiagnosticsStatusNotification: { status: enumOf('Idle', 'Uploaded', 'UploadFailed', 'Uploading') },
  FirmwareStatusNotification: { status: enumOf('Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed') },
  Heartbeat: {},
  MeterValues: { connectorId: integer, transactionId: integer, meterValue: fc.array(meterValue, { maxLength: 3 }) },
  StartTransaction: { connectorId: integer, idTag, meterStart: integer, reservationId: integer, timestamp },
  StatusNotification: {
    connectorId: integer,
    errorCode: enumOf('NoError', 'GroundFailure', 'OtherError'),
    status: enumOf('Available', 'Preparing', 'Charging', 'Faulted', 'Unavailable'),
    info: ciString(50),
    timestamp,
  },
  StopTransaction: {
    transactionId: integer,
    idTag,
    meterStop: integer,
    timestamp,
    reason: enumOf('Local', 'Remote', 'EVDisconnected', 'PowerLoss'),
    transactionData: fc.array(meterValue, { maxLength: 2 }),
  },
};

/** Any subset of the action's fields, each right or wrong, now and then with keys the schema does not know. */
export function nearValidPayload(action: (typeof ACTIONS)[number], maxBytes: number): fc.Arbitrary<unknown> {
  const model = Object.fromEntries(Object.entries(fields[action]).map(([k, v]) => [k, almost(v, maxBytes)]));
  const record = fc.record(model, { requiredKeys: [] });
  const extra = fc.dictionary(fc.string({ maxLength: 10 }), junk(maxBytes), { maxKeys: 2 });
  return fc.oneof({ weight: 4, arbitrary: record }, { weight: 1, arbitrary: fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r })) });
}

/** Every field, right-typed, so a share of the frames pass validation and reach the handlers. */
export function validPayload(action: (typeof ACTIONS)[number]): fc.Arbitrary<unknown> {
  return fc.record(fields[action]);
}

/** The actions that write rows get the most well-formed frames. */
const STORING = ['StartTransaction', 'StartTransaction', 'StopTransaction', 'MeterValues', ...ACTIONS] as const;

/** A message id as a careless charger might send it: a string of any length and alphabet, or not a string at all. */
export const messageId = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 36 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: unicodeString(80) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.constant({})) },
);

/** `[2, id, action, payload]`: real actions with near-valid payloads, and sometimes an action nobody knows. */
export const callFrame = (maxBytes: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ACTIONS).chain((action) => fc.tuple(messageId, fc.constant(action), nearValidPayload(action, maxBytes))) },
    { weight: 3, arbitrary: fc.constantFrom(...STORING).chain((action) => fc.tuple(messageId, fc.constant(action), validPayload(action))) },
    { weight: 1, arbitrary: fc.tuple(messageId, fc.oneof(fc.string({ maxLength: 30 }), unicodeString(), fc.integer()), junk(maxBytes)) },
  ).map(([id, action, payload]) => [2, id, action, payload] as unknown[]);

/** The OCPP versions the gateway speaks, as stored and shown (the subprotocol without its "ocpp" prefix). */
export type OcppVersion = '1.6' | '2.0.1' | '2.1';

export const versionOf = (subprotocol: string): OcppVersion => subprotocol.replace(/^ocpp/, '') as OcppVersion;

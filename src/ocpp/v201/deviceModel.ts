import type { DeviceModel } from '../../store/chargers.js';

interface ReportData {
  component: { name: string; evse?: { id: number; connectorId?: number } };
  variable: { name: string };
  variableAttribute: { type?: string; value?: string }[];
  variableCharacteristics?: { maxLimit?: number };
}

/** ChargingStation variables (OCPP 2.0.1 Part 2, standardized components) and where they go. */
const STATION_FIELDS: Record<string, 'vendor' | 'model' | 'serialNumber' | 'firmwareVersion'> = {
  VendorName: 'vendor',
  Model: 'model',
  SerialNumber: 'serialNumber',
  FirmwareVersion: 'firmwareVersion',
};

export function emptyDeviceModel(requestId: number, generatedAt: string): DeviceModel {
  return { vendor: null, model: null, serialNumber: null, firmwareVersion: null, evses: [], requestId, generatedAt };
}

/** The Actual value (an attribute without a type is Actual). */
const actual = (d: ReportData) => d.variableAttribute.find((a) => (a.type ?? 'Actual') === 'Actual')?.value;

/**
 * Merges one NotifyReport part into what is known: a report comes in parts (tbc), and a
 * GetReport for some components says nothing of the others, so nothing is dropped.
 */
export function mergeReport(model: DeviceModel, reportData: ReportData[]): DeviceModel {
  const next: DeviceModel = { ...model, evses: model.evses.map((e) => ({ ...e, connectors: [...e.connectors] })) };
  for (const d of reportData) {
    const { name, evse } = d.component;
    const field = name === 'ChargingStation' ? STATION_FIELDS[d.variable.name] : undefined;
    const value = actual(d);
    if (field && value !== undefined) next[field] = value;
    if (!evse || (name !== 'EVSE' && name !== 'Connector')) continue;
    const found = evseOf(next, evse.id);
    if (name === 'Connector' && evse.connectorId !== undefined) {
      const connector = connectorOf(found, evse.connectorId);
      if (d.variable.name === 'ConnectorType' && value !== undefined) connector.type = value;
    }
  }
  return next;
}

function evseOf(model: DeviceModel, id: number) {
  let found = model.evses.find((e) => e.id === id);
  if (!found) {
    model.evses.push((found = { id, connectors: [] }));
    model.evses.sort((a, b) => a.id - b.id);
  }
  return found;
}

function connectorOf(evse: DeviceModel['evses'][number], id: number) {
  let found = evse.connectors.find((c) => c.id === id);
  if (!found) {
    evse.connectors.push((found = { id, type: null }));
    evse.connectors.sort((a, b) => a.id - b.id);
  }
  return found;
}

/** LocalAuthListCtrlr.Entries' maxLimit in a report: how many entries the station's list holds at most. */
export function localListCapacity(reportData: ReportData[]): number | undefined {
  const entries = reportData.find((d) => d.component.name === 'LocalAuthListCtrlr' && d.variable.name === 'Entries');
  const max = entries?.variableCharacteristics?.maxLimit;
  return Number.isInteger(max) && max! >= 0 ? max : undefined;
}

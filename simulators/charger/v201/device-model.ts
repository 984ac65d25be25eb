// The charging station's device model in memory: components and variables with their
// attributes, seeded with the basics a CSMS reads (identity, EVSEs and connectors, the
// authorization settings it may push) and changed by SetVariables.

export interface ComponentRef {
  name: string;
  instance?: string;
  evse?: { id: number; connectorId?: number };
}

export interface VariableRef {
  name: string;
  instance?: string;
}

export interface VariableRequest {
  component: ComponentRef;
  variable: VariableRef;
  attributeType?: string;
  attributeValue?: string;
}

interface Variable {
  component: ComponentRef;
  variable: VariableRef;
  mutability: 'ReadOnly' | 'ReadWrite';
  dataType: string;
  /** Value per attribute type (Actual, Target, MinSet, MaxSet). */
  values: Map<string, string>;
  /** VariableCharacteristics.maxLimit, reported by NotifyReport only (GetVariables has no attribute for it). */
  maxLimit?: number;
}

export interface Identity {
  model: string;
  vendorName: string;
  serialNumber: string;
  firmwareVersion: string;
  evses: number;
}

const componentKey = (c: ComponentRef) => `${c.name}|${c.instance ?? ''}|${c.evse?.id ?? ''}|${c.evse?.connectorId ?? ''}`;
const variableKey = (c: ComponentRef, v: VariableRef) => `${componentKey(c)}#${v.name}|${v.instance ?? ''}`;

export class DeviceModel {
  private readonly components = new Set<string>();
  private readonly variables = new Map<string, Variable>();

  constructor(identity: Identity) {
    const station = { name: 'ChargingStation' };
    this.define(station, 'Model', identity.model, 'ReadOnly');
    this.define(station, 'VendorName', identity.vendorName, 'ReadOnly');
    this.define(station, 'SerialNumber', identity.serialNumber, 'ReadOnly');
    this.define(station, 'FirmwareVersion', identity.firmwareVersion, 'ReadOnly');
    this.define(station, 'AvailabilityState', 'Available', 'ReadOnly');
    for (let id = 1; id <= identity.evses; id++) {
      this.define({ name: 'EVSE', evse: { id } }, 'AvailabilityState', 'Available', 'ReadOnly');
      const connector = { name: 'Connector', evse: { id, connectorId: 1 } };
      this.define(connector, 'AvailabilityState', 'Available', 'ReadOnly');
      this.define(connector, 'ConnectorType', 'cType2', 'ReadOnly');
    }
    this.define({ name: 'AuthCtrlr' }, 'LocalAuthorizeOffline', 'true', 'ReadWrite', 'boolean');
    this.define({ name: 'AuthCtrlr' }, 'OfflineTxForUnknownIdEnabled', 'false', 'ReadWrite', 'boolean');
    this.define({ name: 'AuthCacheCtrlr' }, 'Enabled', 'true', 'ReadWrite', 'boolean');
    this.define({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '60', 'ReadWrite', 'integer');
    // What the simulator does: a transaction starts and stops on authorization.
    this.define({ name: 'TxCtrlr' }, 'TxStartPoint', 'Authorized', 'ReadWrite', 'MemberList');
    this.define({ name: 'TxCtrlr' }, 'TxStopPoint', 'Authorized', 'ReadWrite', 'MemberList');
  }

  /** A variable's Actual value, if it has one. */
  value(component: ComponentRef, name: string): string | undefined {
    return this.variables.get(variableKey(component, { name }))?.values.get('Actual');
  }

  /** A GetVariableResult: the value, or why there is none. */
  get(req: VariableRequest): object {
    const attributeType = req.attributeType ?? 'Actual';
    const echo = { component: req.component, variable: req.variable, ...(req.attributeType ? { attributeType } : {}) };
    const found = this.variables.get(variableKey(req.component, req.variable));
    const value = found?.values.get(attributeType);
    if (value !== undefined) return { attributeStatus: 'Accepted', attributeValue: value, ...echo };
    return { attributeStatus: this.missing(req, found), ...echo };
  }

  /** A SetVariableResult. Read-only variables are refused; anything else is stored, new variables included. */
  set(req: VariableRequest): object {
    const attributeType = req.attributeType ?? 'Actual';
    const echo = { component: req.component, variable: req.variable, ...(req.attributeType ? { attributeType } : {}) };
    const found = this.variables.get(variableKey(req.component, req.variable));
    if (found?.mutability === 'ReadOnly') return { attributeStatus: 'Rejected', ...echo };
    const variable = found ?? this.define(req.component, req.variable.name, undefined, 'ReadWrite', 'string', req.variable.instance);
    variable.values.set(attributeType, String(req.attributeValue ?? ''));
    return { attributeStatus: 'Accepted', ...echo };
  }

  /** Sets a variable's maxLimit characteristic (a list's capacity, say); the variable must exist. */
  setMaxLimit(component: ComponentRef, name: string, maxLimit: number): void {
    const found = this.variables.get(variableKey(component, { name }));
    if (found) found.maxLimit = maxLimit;
  }

  /** ReportDataType entries for NotifyReport; `only` narrows them (a report base, or GetReport's componentVariable). */
  report(only: (v: { mutability: string; name: string; component: ComponentRef }) => boolean = () => true): object[] {
    return [...this.variables.values()]
      .filter((v) => only({ mutability: v.mutability, name: v.variable.name, component: v.component }))
      .map((v) => ({
        component: v.component,
        variable: v.variable,
        variableAttribute: [...v.values].map(([type, value]) => ({ type, value, mutability: v.mutability })),
        variableCharacteristics: { dataType: v.dataType, supportsMonitoring: false, ...(v.maxLimit !== undefined && { maxLimit: v.maxLimit }) },
      }));
  }

  private missing(req: VariableRequest, found: Variable | undefined): string {
    if (found) return 'NotSupportedAttributeType';
    return this.components.has(componentKey(req.component)) ? 'UnknownVariable' : 'UnknownComponent';
  }

  private define(component: ComponentRef, name: string, value: string | undefined, mutability: Variable['mutability'], dataType = 'string', instance?: string): Variable {
    const variable: VariableRef = instance === undefined ? { name } : { name, instance };
    const entry: Variable = { component, variable, mutability, dataType, values: new Map() };
    if (value !== undefined) entry.values.set('Actual', value);
    this.components.add(componentKey(component));
    this.variables.set(variableKey(component, variable), entry);
    return entry;
  }
}

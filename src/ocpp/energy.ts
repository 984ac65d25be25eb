/**
 * A sampled value as far as reading the energy register needs it, in either version: 1.6 sends
 * the value as text with `unit`, 2.0.1 as a number with `unitOfMeasure`.
 */
interface SampledValue {
  value: number | string;
  measurand?: string;
  phase?: string;
  unit?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

/** Unit factors to Wh; the spec's default unit for energy is Wh. */
const TO_WH: Record<string, number> = { Wh: 1, kWh: 1000 };

/** The energy register (Wh) of one sampled value, when that is what it is: a measurand left out means the register. */
function registerWh(v: SampledValue): number | undefined {
  if ((v.measurand ?? 'Energy.Active.Import.Register') !== 'Energy.Active.Import.Register' || v.phase !== undefined) return undefined;
  const factor = TO_WH[v.unitOfMeasure?.unit ?? v.unit ?? 'Wh'];
  const value = Number(v.value);
  if (factor === undefined || !Number.isFinite(value)) return undefined;
  return Math.round(value * factor * 10 ** (v.unitOfMeasure?.multiplier ?? 0));
}

/** The register readings of a message's meter values, in order. */
export function registerReadings(values: MeterValue[] | undefined): number[] {
  const readings: number[] = [];
  for (const mv of values ?? []) {
    for (const sv of mv.sampledValue) {
      const wh = registerWh(sv);
      if (wh !== undefined) {
        readings.push(wh);
        break;
      }
    }
  }
  return readings;
}

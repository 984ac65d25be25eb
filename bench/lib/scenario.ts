// What run.ts gives every scenario.

export interface ScenarioOptions {
  chargers: number;
  quick: boolean;
  log: (line: string) => void;
}

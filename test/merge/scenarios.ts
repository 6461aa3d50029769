/** Loading of the merge scenario folders (test/scenarios/merge/<case>/), shared by the pure and the CLI runners. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** ScenarioDir is the folder of the merge scenarios. */
export const ScenarioDir = new URL('../scenarios/merge/', import.meta.url).pathname;

/** ExpectedConflict is one entry of expected-conflicts.json. */
export interface ExpectedConflict {
  readonly path: string[];
  readonly kind: string;
}

/** Scenario is one merge case. */
export interface Scenario {
  readonly name: string;
  readonly base: string;
  readonly ours: string;
  readonly theirs: string;
  readonly expected?: string;
  readonly conflicts?: ExpectedConflict[];
  /** stage 'build': the conflict is found only by building the result in PostgreSQL (the pure merge is clean). */
  readonly stage?: 'build';
}

/** loadScenarios reads every scenario folder, sorted by name. */
export function loadScenarios(): Scenario[] {
  return readdirSync(ScenarioDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = join(ScenarioDir, name);
      const read = (f: string) => readFileSync(join(dir, f), 'utf8');
      const ex = existsSync(join(dir, 'expected-conflicts.json'))
        ? JSON.parse(read('expected-conflicts.json'))
        : undefined;
      return {
        name,
        base: read('base.yaml'),
        ours: read('ours.yaml'),
        theirs: read('theirs.yaml'),
        ...(existsSync(join(dir, 'expected.yaml')) ? { expected: read('expected.yaml') } : {}),
        ...(ex ? (Array.isArray(ex) ? { conflicts: ex } : { conflicts: ex.conflicts, stage: ex.stage }) : {}),
      };
    });
}

/** sortConflicts orders {path, kind} pairs for comparison. */
export function sortConflicts(cs: readonly ExpectedConflict[]): ExpectedConflict[] {
  return cs
    .map((c) => ({ path: [...c.path], kind: c.kind }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

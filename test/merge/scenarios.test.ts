/** Pure runner over test/scenarios/merge: parse the three YAML revisions, merge3, compare with the expectation. */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { canonicalJson } from '../../src/canon/index.js';
import { merge3 } from '../../src/merge/index.js';
import type { Schema } from '../../src/model/types.js';
import { loadScenarios, sortConflicts } from './scenarios.js';

function load(text: string, what: string): Schema {
  const r = parseSchemaFiles([{ path: `schema/${what}.yaml`, text }]);
  if (!r.schema) throw new Error(`${what}.yaml: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.schema;
}

const columnOrder = (s: Schema) =>
  Object.fromEntries(Object.entries(s.tables).map(([k, t]) => [k, t.columns.map((c) => c.name)]));

describe('merge scenarios (pure)', () => {
  const scenarios = loadScenarios();
  it('has at least 25 scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(25));
  for (const sc of scenarios) {
    it(sc.name, () => {
      const r = merge3(load(sc.base, 'base'), load(sc.ours, 'ours'), load(sc.theirs, 'theirs'));
      if (sc.expected !== undefined || sc.stage === 'build') {
        expect(r.conflicts).toEqual([]);
      }
      if (sc.expected !== undefined) {
        const want = load(sc.expected, 'expected');
        expect(JSON.parse(canonicalJson(r.schema))).toEqual(JSON.parse(canonicalJson(want)));
        expect(columnOrder(r.schema)).toEqual(columnOrder(want));
      } else if (sc.stage !== 'build') {
        expect(sortConflicts(r.conflicts.map((c) => ({ path: [...c.path], kind: c.kind })))).toEqual(
          sortConflicts(sc.conflicts!),
        );
      }
    });
  }
});

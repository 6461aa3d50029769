/**
 * One differ, many renderers: the planner, status/diff/show (semanticDiff) and verification (compareSchemas) all
 * read diffDetailed's changes, so for the same pair of schemas they name the same objects. Run over every plan
 * scenario, both directions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { diffDetailed, diffSchemas } from '../../src/diff/index.js';
import { changeRows, pathKind, type SemChange } from '../../src/diff/rows.js';
import { semanticDiff } from '../../src/diff/semdiff.js';
import { compareSchemas } from '../../src/pg/compare.js';
import { planMigration } from '../../src/plan/index.js';
import { canonicalize } from '../../src/canon/index.js';
import type { Change } from '../../src/model/changes.js';
import type { Schema } from '../../src/model/types.js';

const ROOT = join(import.meta.dirname, '../scenarios/plan');

function load(file: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/s.yaml', text: readFileSync(file, 'utf8') }]);
  if (!r.schema) throw new Error(`${file}: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.schema;
}

const pairs: [string, Schema, Schema][] = readdirSync(ROOT).flatMap((d) => {
  const a = load(join(ROOT, d, 'from.yaml'));
  const b = load(join(ROOT, d, 'to.yaml'));
  return [
    [d, a, b],
    [`${d} (reversed)`, b, a],
  ] as [string, Schema, Schema][];
});

/** objectOfChange names the object a planner change is about: `kind:owner:id` (a primary key by its table). */
function objectOfChange(c: Change): string {
  if (c.kind === 'primary_key') return `primary_key:${'table' in c ? c.table : ''}:`;
  return `${c.kind}:${'table' in c && c.table ? c.table : ''}:${c.id}`;
}

/** objectOfRow names the object a rendered row is about, the same way. */
function objectOfRow(r: SemChange): string {
  const at = pathKind(r.path)!;
  if (at.kind === 'domain_check') return `domain::${at.owner}`;
  if (at.kind === 'primary_key') return `primary_key:${at.owner}:`;
  return `${at.kind}:${at.owner ?? ''}:${at.id}`;
}

/** objectsOfRow is objectOfRow, and for a rename also the object under its old name. */
function objectsOfRow(r: SemChange): string[] {
  const o = objectOfRow(r);
  if (r.op !== 'rename' || r.from === undefined || o.startsWith('primary_key:')) return [o];
  return [o, o.replace(/[^:]*$/, r.from)];
}

describe('one differ', () => {
  it('has scenarios to check', () => expect(pairs.length).toBeGreaterThan(40));

  it.each(pairs)('%s: planner, status and verification read the same changes', (_name, a, b) => {
    // the planner plans exactly the differ's changes
    expect(planMigration(a, b).changes).toEqual(diffDetailed(a, b).changes);
    // status/diff/show render the differ's changes (canonical form, rename hints followed)
    expect(semanticDiff(a, b)).toEqual(changeRows(diffDetailed(a, b, { canonical: true }), b));
    // verification renders the differ's changes (no hints), one sentence per row
    const ca = canonicalize(a);
    const cb = canonicalize(b);
    const rows = changeRows(diffDetailed(ca, cb, { renames: false }), cb);
    expect(compareSchemas(ca, cb)).toHaveLength(rows.length);
    // and all three name the same objects
    const planned = new Set(diffSchemas(ca, cb, { renames: false }).map(objectOfChange));
    // (a rename status shows, given or inferred, names the object under both names: verification sees drop and add)
    expect(new Set(semanticDiff(ca, cb).flatMap(objectsOfRow))).toEqual(planned);
    expect(new Set(rows.map(objectOfRow))).toEqual(planned);
    expect(compareSchemas(ca, cb).length === 0).toBe(planned.size === 0);
  });
});

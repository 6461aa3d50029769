/**
 * The planner corpus (test/corpus/planner.jsonl, the shared conformance format): transitions real schema histories
 * hit that stress the planner (issue #10) — partitions with their own column overrides, keys and indexes,
 * partitioned indexes attached or dropped, partition-key changes, tables turned into or out of partitions, foreign
 * keys that point at partitions, sequences with their own names, casts PostgreSQL cannot make, identity and
 * sequence options, routines around views and enums — each proven in PGlite up and down.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

/** KNOWN_FAILING: cases not passing yet, by root cause. */
const KNOWN_FAILING: Readonly<Record<string, string>> = {};

/** REFUSED: cases refused as not supported, with the words of the refusal (a typed table's columns follow its type). */
const REFUSED: Readonly<Record<string, string>> = {
  'planner/typed-table/typed-table-type-gains-attr': 'not supported: typed table people (OF type)',
  'planner/typed-table/typed-table-type-loses-attr': 'not supported: typed table people (OF type)',
};

await corpusSuite(
  'planner corpus',
  path.join(import.meta.dirname, '..', 'corpus', 'planner.jsonl'),
  'holds the partition, sequence and routine cases of issue #10',
  ['partition-column-overrides', 'partition-key-changed', 'table-to-partitioned', 'serial-table-rename'],
  { knownFailing: KNOWN_FAILING, refused: REFUSED, minCases: 20 },
);

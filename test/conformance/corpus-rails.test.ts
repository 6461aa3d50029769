/**
 * The Rails corpus (test/corpus/rails.jsonl, the shared conformance format): minimal transitions written from what
 * real Rails applications' db/structure.sql histories (pg_dump -s output) do between two versions, e.g. que 0.x ->
 * 1.0 (an SQL function over the jobs table's row type, reading columns the same migration adds). Each is proven in
 * PGlite up and down with the runner's two witnesses.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

/** KNOWN_FAILING: cases not passing yet, by root cause. */
const KNOWN_FAILING: Readonly<Record<string, string>> = {};

await corpusSuite(
  'rails corpus',
  path.join(import.meta.dirname, '..', 'corpus', 'rails.jsonl'),
  'holds cases from Rails structure.sql histories',
  ['sql-function-rowtype', 'partitioned-not-valid-check', 'partition-own-default', 'sql-standard-body'],
  { knownFailing: KNOWN_FAILING, minCases: 6 },
);

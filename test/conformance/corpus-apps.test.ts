/**
 * The application corpus (test/corpus/apps.jsonl, the shared conformance format): what application frameworks'
 * migration histories do to a schema (Rails references, Django renames and length changes, serial to identity,
 * key changes, enums used by defaults and indexes, views and materialized views over changed columns, routines,
 * triggers, domains, composite types, partitions, storage parameters, PostgreSQL 18 columns and named NOT NULL),
 * each proven in PGlite up and down with the runner's two witnesses.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

/** KNOWN_FAILING: cases not passing yet, by root cause. */
const KNOWN_FAILING: Readonly<Record<string, string>> = {
  'apps/table-of-composite-type': 'typed tables (CREATE TABLE ... OF type) are refused as not supported',
};

await corpusSuite(
  'application corpus',
  path.join(import.meta.dirname, '..', 'corpus', 'apps.jsonl'),
  'holds framework-history cases',
  ['rails', 'django', 'serial-to-identity', 'identity-with-sequence-name', 'virtual-generated-pg18'],
  { knownFailing: KNOWN_FAILING, minCases: 80 },
);

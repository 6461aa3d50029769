/**
 * The long-tail corpus (test/conformance/corpus-real.jsonl, the shared conformance format): every case of it is
 * proven in PGlite on every test run — definition objects created, changed, dropped and rebuilt around other
 * changes, and unmanaged objects passing through — with the runner's two witnesses (model and catalog fingerprint).
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

await corpusSuite(
  'long-tail corpus',
  path.join(import.meta.dirname, 'corpus-real.jsonl'),
  'holds a case for every definition kind and for unmanaged passthrough',
  [
    'aggregate',
    'range',
    'rule',
    'event-trigger',
    'publication',
    'statistics',
    'collation',
    'foreign',
    'operator',
    'cast',
    'text-search',
    'sql-body',
    'unmanaged',
  ],
);

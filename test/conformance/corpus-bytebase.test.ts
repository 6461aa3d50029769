/**
 * The Bytebase corpus (test/corpus/bytebase.jsonl, the shared conformance format): cases written from Bytebase's
 * PostgreSQL schema differ tests (backend/plugin/schema/pg: generate_migration_testcontainer_test.go's
 * initial-schema + migration pairs, the column/constraint/index/function rewrite tests, composite type, enum,
 * exclusion index, materialized view, implicit schema creation, extension, SDL diff and definition-regression
 * tests), each A -> B changing many objects at once; proven in PGlite up and down with the runner's two witnesses.
 * Among them the fixes they found: a view re-created under a routine whose SQL-standard body reads it (and the
 * routines calling that one, and the views calling those) drops the routine before the view and creates it after,
 * whether the routine is unchanged, changed or rebuilt for a column type change.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

await corpusSuite(
  'Bytebase schema differ corpus',
  path.join(import.meta.dirname, '..', 'corpus', 'bytebase.jsonl'),
  'holds a case of each Bytebase test family it draws on',
  [
    'generate_migration',
    'comment_migration',
    'regressions',
    'column_rewrite',
    'constraint_rewrite',
    'index_rewrite',
    'exclude_index',
    'materialized_view',
    'composite_type',
    'enum',
    'schema_implicit_creation',
    'function_rewrite',
    'sdl_diff',
  ],
  { minCases: 28 },
);

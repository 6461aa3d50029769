/**
 * The long-tail corpus (test/conformance/corpus-longtail.jsonl, the shared conformance format): what production
 * schemas hold besides tables — GRANTs on foreign tables and their columns, range types, aggregates, foreign-data
 * wrappers, servers, languages, sequences, domains and view columns; text search parsers and templates (with the
 * configurations and dictionaries using them); procedural languages and functions in them; event triggers that
 * refuse DDL around the migration's own; a free sequence dropped; the owner of `public` (pg_database_owner unless
 * altered; alone and with its grants and comment); operator class parameters on index keys and exclusion elements
 * (`tsvector_ops (siglen = 100)`, pg_trgm's `gist_trgm_ops (siglen = 32)`); comments on domain checks; functions
 * with a planner SUPPORT function; a column's storage put back to its type's (named, as PostgreSQL 15 needs) and kept
 * through a change of type (which resets it); a parent's NOT VALID check
 * whose copies on partitions and children are NOT VALID or valid (`inherited_not_valid`), added, validated, with
 * partitions created, dropped, attached and detached, at two levels; pg-schema-diff's partitioned index made
 * ON ONLY and its partitions' indexes attached (refused while one is left to attach); statistics targets of index
 * expression keys (a table's, a materialized view's; set, changed in place, removed, kept through a rebuild);
 * DEPENDS ON EXTENSION marks of functions, procedures, indexes, triggers and materialized views (added, removed,
 * through CREATE OR REPLACE, which drops them, and rebuilds). Hostile (quoted, spaced) names throughout; each case
 * both ways, proven in PGlite
 * with the runner's two witnesses. Roles come from each case's `pre`.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

await corpusSuite(
  'long-tail corpus',
  path.join(import.meta.dirname, 'corpus-longtail.jsonl'),
  'holds cases for grants on definition objects, text search parsers and templates, languages, event triggers, sequences',
  [
    'grant',
    'text-search',
    'language',
    'event-trigger',
    'sequence',
    'public-schema',
    'index-opclass-options',
    'domain-check-comment',
    'function-support',
    'column-storage',
    'partition-check-not-valid',
    'partition-index-on-only',
    'index-statistics',
    'extension-marks',
  ],
  {
    minCases: 80,
    refused: {
      'longtail/partition-index-on-only/awaiting-attach-refused': 'invalid index ev at on "Ev ents"',
      'longtail/partition-check-not-valid/copy-comment-refused': 'comment on "ev 1"\'s copy of its parent\'s check',
      // PostgreSQL sets a partitioned index's target on its partitions' indexes of the moment only (a partition
      // attached later has none), so the model keeps no key statistics for it
      'longtail/index-statistics/partitioned-refused': 'statistics targets of index "P i"',
      // the model holds a key's index as the key: the mark has no place there
      'longtail/extension-marks/constraint-index-refused': 'index public."K t_pkey" DEPENDS ON EXTENSION plpgsql',
    },
  },
);

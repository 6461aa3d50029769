/**
 * What production schemas hold (test/conformance/corpus-production.jsonl, the shared conformance format): changes
 * real teams make — enum values added in the middle and removed, type changes under views and index expressions,
 * partitions attached, detached and sub-partitioned, policies and grants to roles, owners, domains, composite types,
 * collations, foreign tables, publications, rules, event triggers, statistics, operators and casts, temporal keys,
 * CLUSTER ON, quoted and Unicode names — each proven in PGlite up and down with the runner's two witnesses.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

await corpusSuite(
  'production corpus',
  path.join(import.meta.dirname, 'corpus-production.jsonl'),
  'holds the cases it is for',
  [
    'enum_add_before',
    'enum_remove_value',
    'type_change_with_view',
    'partition_add',
    'subpartitions',
    'attach_existing',
    'grants_roles',
    'owners',
    'fdw_foreign_table',
    'cluster_on',
    'temporal_pk',
    'quoted_identifiers',
  ],
  { minCases: 100 },
);

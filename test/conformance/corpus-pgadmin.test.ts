/**
 * The pgAdmin corpus (test/corpus/pgadmin.jsonl, the shared conformance format): pgAdmin 4's per-object reverse
 * engineering tests (web/pgadmin/browser/server_groups/servers/databases/.../tests/pg/<version>_plus/), whose
 * create_*.sql / alter_*.sql files are the states of one object before and after each step of a test.json scenario,
 * with pgAdmin's hostile names (`$%{}[]()&*^!@"'`\/#`): tables, columns, indexes, triggers, functions, types, foreign
 * tables, publications, sequences, domains, collations, text search, aggregates, operators, event triggers, schemas
 * and default privileges, casts, rules, policies, keys and checks. Each is proven in PGlite up and down with the
 * runner's two witnesses; what the model cannot express must be refused as not supported, never left out.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

/** KNOWN_FAILING: cases not passing yet, by root cause. */
const KNOWN_FAILING: Readonly<Record<string, string>> = {};

/** REFUSED: cases whose change the model cannot express, refused in both directions (id -> what the refusal names). */
const REFUSED: Readonly<Record<string, string>> = {
  'pgadmin/function/depends-on-extension': 'DEPENDS ON EXTENSION plpgsql',
  'pgadmin/function/plain-trigger-full-options': 'window function',
  'pgadmin/type/shell-created': 'pseudo-type',
  'pgadmin/type/shell-comment': 'pseudo-type',
  'pgadmin/sequence/negative-cycle-owned-acl': 'privileges of the owner',
  'pgadmin/schema/acl-default-privileges': 'privileges of the owner',
  'pgadmin/schema/default-privileges-changed-global': 'privileges of the owner',
};

await corpusSuite(
  'pgAdmin corpus',
  path.join(import.meta.dirname, '..', 'corpus', 'pgadmin.jsonl'),
  'holds pgAdmin per-object cases',
  ['table', 'column', 'index', 'trigger', 'function', 'type', 'foreign-table', 'publication', 'rule', 'schema'],
  { knownFailing: KNOWN_FAILING, refused: REFUSED, minCases: 50 },
);

/**
 * The privileges corpus (test/conformance/corpus-privileges.jsonl, the shared conformance format): grants added,
 * revoked and changed on tables, columns, views, sequences, functions, types and schemas, WITH GRANT OPTION, PUBLIC,
 * hostile role names, default privileges, storage parameters, replica identity and UNLOGGED, each proven in PGlite
 * with the runner's two witnesses (model and catalog fingerprint, which reads ACLs as text).
 * Roles come from each case's `pre`; the pool drops them between cases.
 */
import path from 'node:path';
import { corpusSuite } from '../helpers/corpus.js';

await corpusSuite(
  'privileges corpus',
  path.join(import.meta.dirname, 'corpus-privileges.jsonl'),
  'holds cases for grants, default privileges, storage parameters, replica identity and unlogged',
  ['grant', 'default-privileges', 'storage', 'replica-identity', 'unlogged'],
);

/**
 * The lint worker (./offload.ts starts it): loads libpg_query and parses statements shaped like the planner's
 * (tables, columns, constraints, indexes, views, types, renames, grants), so the parser's WebAssembly is compiled
 * before the command's script arrives; then lints that one script and answers.
 */
import { parentPort } from 'node:worker_threads';
import { loadSqlParser, parseSql } from '../validate/sqlparse.js';
import { lintScript } from './index.js';
import type { LintReply } from './offload.js';

/** WARM: one statement of each shape `plan` writes most (the answers are thrown away; only the compiled code stays). */
const WARM = [
  `CREATE TABLE s.t (id bigint GENERATED ALWAYS AS IDENTITY NOT NULL, p bigint, n text DEFAULT 'x'::text, a timestamp with time zone DEFAULT now() NOT NULL, CONSTRAINT t_pkey PRIMARY KEY (id), CONSTRAINT t_c CHECK ((p > 0)), CONSTRAINT t_u UNIQUE (n))`,
  `ALTER TABLE s.t ADD COLUMN c character varying(50) DEFAULT 'a'::character varying NOT NULL`,
  `ALTER TABLE s.t DROP COLUMN c`,
  `ALTER TABLE s.t ALTER COLUMN c TYPE bigint USING c::bigint`,
  `ALTER TABLE s.t ALTER COLUMN c DROP NOT NULL, ALTER COLUMN d SET NOT NULL, ALTER COLUMN e SET DEFAULT 0, ALTER COLUMN f DROP DEFAULT`,
  `ALTER TABLE s.t ADD CONSTRAINT t_f FOREIGN KEY (p) REFERENCES s.u (id) ON DELETE CASCADE NOT VALID`,
  `ALTER TABLE s.t VALIDATE CONSTRAINT t_f`,
  `ALTER TABLE s.t DROP CONSTRAINT t_f`,
  `ALTER TABLE s.t RENAME COLUMN a TO b`,
  `ALTER TABLE s.t RENAME CONSTRAINT a TO b`,
  `ALTER TABLE s.t RENAME TO u`,
  `ALTER INDEX s.i RENAME TO j`,
  `CREATE UNIQUE INDEX i ON s.t USING btree (lower(n), p DESC) INCLUDE (a) WHERE (p IS NOT NULL)`,
  `CREATE INDEX CONCURRENTLY i ON s.t (p)`,
  `DROP INDEX s.i`,
  `DROP TABLE s.t`,
  `CREATE VIEW s.v AS SELECT t.id, t.a FROM s.t JOIN s.u ON u.id = t.p WHERE t.a IS NOT NULL`,
  `CREATE MATERIALIZED VIEW s.m AS SELECT id FROM s.t`,
  `DROP VIEW s.v`,
  `CREATE TYPE s.e AS ENUM ('a', 'b')`,
  `ALTER TYPE s.e ADD VALUE 'c' AFTER 'b'`,
  `ALTER TYPE s.e RENAME TO f`,
  `COMMENT ON COLUMN s.t.c IS 'x'`,
  `GRANT SELECT, INSERT ON TABLE s.t TO r`,
  `CREATE SEQUENCE s.q AS bigint START WITH 1 OWNED BY s.t.id`,
];

const port = parentPort!;
const ready = loadSqlParser().then(() => {
  for (const sql of WARM) parseSql(sql);
});
ready.catch(() => undefined); // a parser that does not load is answered when the script comes
// a script to lint, or null: end once the parser's load has settled (offload.ts close; never ended mid-compile)
port.once('message', (script: string | null) => {
  if (script === null) {
    void ready.catch(() => undefined).then(() => port.close());
    return;
  }
  void ready
    .then(() => lintScript(script))
    .then(
      (findings): LintReply => ({ findings }),
      (e: unknown): LintReply => ({ error: String((e as Error)?.message ?? e) }),
    )
    .then((reply) => port.postMessage(reply));
});

/**
 * Schemas whose normalisation takes more than one round, for the tests of a commit that plans and proves while the
 * later rounds confirm it (test/commands/commit-early.test.ts, commit-longproof.test.ts).
 */

/** KEPT: texts PostgreSQL keeps as it first reads them back. */
export const KEPT = `tables:
  notes:
    columns:
      id: { type: bigint, primary_key: true }
      summary: { type: text, nullable: false, default: "" }
      title: { type: varchar(40) }
    checks:
      notes_summary_check: "summary <> ''"
`;

/** RESPELLED: PostgreSQL 18 reads the IN list back as an array cast that it reads back differently again. */
export const RESPELLED = KEPT + `      notes_title_check: "title in ('a', 'b')"\n`;

/**
 * SHARED: 64+ tables saying the same texts, so the first round is one shared build on the verifier's thread
 * (pg/normshare.ts: each distinct default, check and index once); the IN list is respelled again, so the later
 * round is shared too.
 */
export const SHARED =
  'tables:\n' +
  Array.from(
    { length: 70 },
    (_, i) => `  s${i}:
    columns:
      id: { type: bigint, primary_key: true }
      n: { type: int, default: { sql: "1+1" } }
      title: { type: varchar(20) }
    checks:
      s${i}_n_check: "n > 0"
      s${i}_title_check: "title in ('a', 'b')"
    indexes:
      s${i}_title_idx: { columns: [title], where: "n <> 1" }
`,
  ).join('');

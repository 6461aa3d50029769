/**
 * `conformance --online` and the squawk linter (the squawk-cli devDependency), issue 12's bar:
 * - the WHOLE shared corpus is planned online (from the models PGlite reads of each side, kept in
 *   online-models.json.gz; no database needed) and every up script, as the online deploy runs it, is linted: every
 *   lock or rewrite finding must be accepted by a rule of ALLOWED (squawk-allow.ts) whose check confirms its reason;
 *   the classic scripts of the same cases do get those findings, so the check is not vacuous;
 * - a sample of cases whose classic plan locks a table with rows proves its online plan in PGlite as the classic one
 *   proves, and its models read back as the kept ones (so the kept models follow the introspector).
 * After a change of the corpus or of what introspection reads: `SCHEMAVER_REGEN_MODELS=1 npx vitest run <this file>`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFileName, readCases } from '../../src/conformance/index.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { loadCaseModels, planCaseModels, runCase, type Case, type CaseModels } from '../../src/conformance/run.js';
import { freshPglite, extensionsInSql } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';
import { ALLOWED, LOCK_RULES, statementAt, type Finding } from './squawk-allow.js';

const CORPUS = '/work/shared/conformance';
const SQUAWK = resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'squawk');
const MODELS = join(import.meta.dirname, 'online-models.json.gz');

/** SAMPLE: the corpus cases whose classic plan locks or rewrites a table that holds rows, one or two per kind. */
const SAMPLE = [
  'tests_preserve_quotes/AddIndexToQuotedTable', // create index
  'tests_comments/DropIndexWithComment', // drop index
  'tests_indices/AddOperatorClassToExistingIndex', // index dropped and built again
  'tests_constraints/AddForeignKeyConstraint', // foreign key
  'tests_constraints/ModifyForeignKeyActions', // foreign key dropped and added again
  'tests_constraints/AddMultiColumnCheck', // check
  'tests_datatypes/AlterColumnSetNotNull', // SET NOT NULL
  'tests_datatypes/AddNotNullConstraint',
  'tests_constraints/AddUniqueConstraint', // UNIQUE
  'tests_constraints/ConstraintUniqueNullsNotDistinctAdd',
  'tests_constraints/ModifyUniqueConstraintToDeferrable',
  'tests_preserve_quotes/AddPrimaryKeyQuotedName', // PRIMARY KEY
  'tests_constraints/AddPrimaryKeyAndColumnBack',
  'tests_datatypes/SerialToBigserial', // int -> bigint: a rewrite
  'tests_dependency_ordering/FunctionBeforeTable_AlterAddColumnDefault', // default of a volatile function of the schema
  'constraints', // migra: several at once
  'tests_identity/AddNewIdentityColumnWithSequence', // identity column added to a live table
  'partitioning', // migra: a partition's own index dropped, a partition detached (CONCURRENTLY)
];

/** KeptModels is online-models.json.gz: each case's models under a hash of the case's text. */
type KeptModels = Record<string, { hash: string; models: CaseModels | string }>;

const caseHash = (c: Case) =>
  createHash('sha256')
    .update(JSON.stringify([c.pre ?? '', c.a, c.b]))
    .digest('hex');
const present = existsSync(`${CORPUS}/sqldef.jsonl`) && existsSync(`${CORPUS}/migra.jsonl`);

/** lint runs squawk once over the up scripts and returns each lock or rewrite finding with its statement. */
function lint(scripts: ReadonlyMap<string, string>, kept: KeptModels): Finding[] {
  const dir = mkdtempSync(join(tmpdir(), 'sv-squawk-corpus-'));
  try {
    const files = new Map<string, { id: string; text: string }>();
    for (const [id, sql] of scripts) {
      const file = join(dir, `${caseFileName(id)}.sql`);
      // as the online deploy runs it: the session's timeouts first (deploy/online.ts sets them)
      const text = `SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n${sql}`;
      writeFileSync(file, text);
      files.set(file, { id, text });
    }
    const out = spawnSync(SQUAWK, ['--reporter', 'json', ...files.keys()], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const found = JSON.parse(out.stdout || '[]') as { file: string; rule_name: string; line: number }[];
    return found
      .filter((f) => LOCK_RULES.has(f.rule_name))
      .map((f) => {
        const { id, text } = files.get(resolve(f.file))!;
        const at = statementAt(text, f.line);
        if (!at) throw new Error(`${id}: squawk's ${f.rule_name} at line ${f.line} is in no statement`);
        const models = kept[id]!.models as CaseModels;
        return { id, rule: f.rule_name, ...at, from: models.a, to: models.b };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!present || !existsSync(SQUAWK))('conformance --online under squawk', () => {
  let all: Case[] = [];
  let kept: KeptModels = {};
  let dbs: ResettableDb;
  let volatile: ReadonlySet<string> = new Set();
  beforeAll(async () => {
    all = [...(await readCases(`${CORPUS}/sqldef.jsonl`)), ...(await readCases(`${CORPUS}/migra.jsonl`))];
    const extensions = [...new Set(all.flatMap((c) => extensionsInSql(`${c.pre ?? ''}\n${c.a}\n${c.b}`)))];
    dbs = resettableDb(() => freshPglite({ extensions }));
    if (process.env.SCHEMAVER_REGEN_MODELS) {
      const fresh: KeptModels = {};
      for (const c of all) fresh[c.id] = { hash: caseHash(c), models: await loadCaseModels(dbs, c, introspect) };
      writeFileSync(MODELS, gzipSync(JSON.stringify(fresh), { level: 9 }));
    }
    kept = JSON.parse(gunzipSync(readFileSync(MODELS)).toString('utf8')) as KeptModels;
    const db = await dbs.clean(true);
    const rows = await db.query<{ n: string }>(
      `SELECT DISTINCT lower(proname) AS n FROM pg_proc WHERE provolatile = 'v'`,
    );
    volatile = new Set(rows.map((r) => r.n));
  }, 600_000);
  afterAll(async () => {
    await dbs?.close();
  });

  it('the kept models cover the corpus as it is (else regenerate them, see the file comment)', () => {
    const stale = all.filter((c) => kept[c.id]?.hash !== caseHash(c)).map((c) => c.id);
    expect(stale).toEqual([]);
    expect(all.length).toBeGreaterThan(700);
  });

  it('every lock or rewrite finding in the online up scripts of the whole corpus has a reason that holds', () => {
    const plan = (online: boolean) => {
      const scripts = new Map<string, string>();
      for (const c of all) {
        const m = kept[c.id]?.models;
        if (!m || typeof m === 'string') continue; // a side that does not load: no plan (conformance says `error`)
        const p = planCaseModels(c, m, { online });
        if (!('skipped' in p)) scripts.set(c.id, p.upSql);
      }
      return scripts;
    };
    const online = plan(true);
    expect(online.size).toBeGreaterThan(650);
    const findings = lint(online, kept);
    const unreasoned = findings
      .filter((f) => !ALLOWED.some((a) => a.rule === f.rule && a.holds(f, volatile)))
      .map((f) => `${f.id}: ${f.rule}: ${f.stmt.slice(0, 160)}`);
    expect(unreasoned).toEqual([]);
    // every reason is still needed (a fix shows here and the list shrinks)
    const used = ALLOWED.filter((a) => findings.some((f) => a.rule === f.rule && a.holds(f, volatile)));
    expect(ALLOWED.filter((a) => !used.includes(a)).map((a) => a.reason)).toEqual([]);
    // not vacuous: the classic scripts of the same cases have the findings the online form removes
    const classic = new Set(lint(plan(false), kept).map((f) => f.rule));
    for (const rule of [
      'require-concurrent-index-creation',
      'require-concurrent-index-deletion',
      'constraint-missing-not-valid',
      'adding-foreign-key-constraint',
      'adding-not-nullable-field',
      'disallowed-unique-constraint',
      'adding-serial-primary-key-field',
    ])
      expect(classic).toContain(rule);
  });

  for (const id of SAMPLE) {
    it(`${id}: the online plan proves as the classic one does, from the kept models`, async () => {
      const c = all.find((x) => x.id === id);
      if (!c) throw new Error(`case ${id} is not in the corpus`);
      const o = await runCase(dbs, c, introspect, undefined, { online: true });
      const k = await runCase(dbs, c, introspect);
      expect({ up: o.up, down: o.down, message: o.message }).toEqual({ up: k.up, down: k.down, message: k.message });
      expect({ up: o.up, down: o.down }).toEqual({ up: 'pass', down: 'pass' });
      expect(o.online).toBe(true);
      // the kept models are what the introspector reads today
      expect(JSON.parse(JSON.stringify(await loadCaseModels(dbs, c, introspect)))).toEqual(kept[id]!.models);
    }, 120_000);
  }
});

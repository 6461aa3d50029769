/**
 * The deploy script: everything an upgrade/downgrade runs, as one list of statements that `--sql` prints
 * and the engine executes in the same order — BEGIN, the advisory lock, the bookkeeping tables, a guard
 * that the database is where we think it is, each edge's statements followed by its history row, the new
 * version row, COMMIT.
 */
import { createHash } from 'node:crypto';
import { SchemaverError } from '../errors.js';
import { BASE, edgeLabel, short, type PathEdge } from './path.js';
import { isTransactionControl, splitStatements, type ScriptStatement } from '../sql/split.js';
import { LEXING_CHECK_SQL, settingsSql } from '../sql/settings.js';
import { sqlComment } from '../sql/quote.js';
import { CREATE_TABLES, guardSql, historySql, lockSql, setVersionSql, syncHistorySeqSql } from './versions.js';

/** ScriptUnit is one statement of the deploy script and where it comes from. */
export interface ScriptUnit {
  readonly sql: string;
  /** edge: index into the path's edges when the statement belongs to a migration (undefined for bookkeeping). */
  readonly edge?: number;
  /** statement: 1-based number of the statement within its edge's script. */
  readonly statement?: number;
  /** statements: how many statements the edge has. */
  readonly statements?: number;
  /** line: line of the statement in the edge's stored script. */
  readonly line?: number;
  /** step: the step label (the planner's comment above the statement), when the script has one. */
  readonly step?: string;
  /** comment: text printed above the statement in `--sql` output, every line of it a comment line (sqlComment). */
  readonly comment?: string;
  /** offlineOnly: printed by `--sql` but skipped online, where the engine has checked the same thing under the lock. */
  readonly offlineOnly?: boolean;
}

/** DeployScript is the whole script with its header facts. */
export interface DeployScript {
  readonly from: { readonly commit: string; readonly hash?: string };
  readonly to: { readonly commit: string; readonly hash?: string };
  readonly edges: readonly PathEdge[];
  /** units: the statements between BEGIN and COMMIT (exclusive), in order. */
  readonly units: readonly ScriptUnit[];
  /** checksums: sha256 of each edge's SQL, by edge index. */
  readonly checksums: readonly string[];
}

/** sha256 is the hex sha256 of a text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** buildScript assembles the deploy script for a path; migration scripts may not contain their own BEGIN/COMMIT. */
export function buildScript(opts: {
  from: string;
  fromHash?: string;
  to: string;
  toHash?: string;
  edges: readonly PathEdge[];
  version: string;
}): DeployScript {
  const units = preambleUnits(opts.from);
  const checksums: string[] = [];
  opts.edges.forEach((e, i) => {
    const edge = edgeUnits(e, i, opts.edges.length, opts.version);
    units.push(...edge.units);
    checksums.push(edge.checksum);
  });
  for (const sql of setVersionSql(opts.to, opts.toHash))
    units.push({ sql, comment: `record ${opts.to === BASE ? 'nothing' : opts.to}` });
  units.push({ sql: syncHistorySeqSql() });
  return {
    from: { commit: opts.from, ...(opts.fromHash ? { hash: opts.fromHash } : {}) },
    to: { commit: opts.to, ...(opts.toHash ? { hash: opts.toHash } : {}) },
    edges: opts.edges,
    units,
    checksums,
  };
}

/** preambleUnits open every script: the pinned settings and lexing check (offline only: the engine pins them
 * itself), the deploy lock, schemaver's bookkeeping tables, and the guard that the database is at `from`. */
function preambleUnits(from: string): ScriptUnit[] {
  // the settings the SQL is written for (online the engine pins and checks them itself, first thing)
  const units: ScriptUnit[] = settingsSql(true).map((sql, i) => ({
    sql,
    offlineOnly: true,
    ...(i === 0
      ? { comment: 'the settings this script is written for: a server, database or role default must not change them' }
      : {}),
  }));
  units.push({ sql: LEXING_CHECK_SQL, offlineOnly: true });
  units.push({ sql: lockSql(), comment: 'one deploy at a time: a concurrent run waits here' });
  CREATE_TABLES.forEach((sql, i) => units.push({ sql, ...(i === 0 ? { comment: 'schemaver bookkeeping' } : {}) }));
  units.push({
    sql: guardSql(from),
    comment: `refuse to run unless the database is at ${short(from)}`,
    offlineOnly: true,
  });
  return units;
}

/** edgeUnits are edge `i`'s statements (commented with the edge first and each step where it starts) and the
 * history row that records it, with the checksum of its SQL. */
function edgeUnits(e: PathEdge, i: number, count: number, version: string): { units: ScriptUnit[]; checksum: string } {
  const statements = splitStatements(e.sql);
  refuseTransactionControl(e, statements);
  const checksum = sha256(e.sql);
  const units: ScriptUnit[] = [];
  let lastStep: string | undefined;
  statements.forEach((s, k) => {
    const first = k === 0;
    const stepChanged = s.comment !== undefined && s.comment !== lastStep;
    lastStep = s.comment ?? lastStep;
    const header = `edge ${i + 1}/${count}: ${edgeLabel(e)}${e.message ? ` ${JSON.stringify(firstLine(e.message))}` : ''}`;
    const comment = first ? (s.comment ? `${header}\n${s.comment}` : header) : stepChanged ? s.comment : undefined;
    units.push({
      sql: s.sql,
      edge: i,
      statement: k + 1,
      statements: statements.length,
      line: s.line,
      ...(s.comment !== undefined ? { step: s.comment } : {}),
      ...(comment !== undefined ? { comment } : {}),
    });
  });
  units.push({
    sql: historySql({
      from: e.from,
      to: e.to,
      fromHash: e.fromHash,
      toHash: e.toHash,
      direction: e.direction,
      checksum,
      version,
    }),
    ...(statements.length === 0 ? { comment: `edge ${i + 1}/${count}: ${edgeLabel(e)} (no statements)` } : {}),
  });
  return { units, checksum };
}

/** refuseTransactionControl refuses a migration that opens or ends transactions itself (the path runs in one). */
function refuseTransactionControl(e: PathEdge, statements: readonly ScriptStatement[]): void {
  for (const s of statements) {
    if (isTransactionControl(s.sql)) {
      throw new SchemaverError({
        code: 'bad-migration-sql',
        message: `the ${e.direction} script of ${edgeLabel(e)} contains transaction control at line ${s.line}: ${s.sql.split('\n')[0]}`,
        hint: 'schemaver runs the whole path in one transaction; remove BEGIN/COMMIT/SAVEPOINT from the migration',
        exit: 2,
      });
    }
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** renderScript writes the deploy script as text (`--sql`): header, BEGIN, statements, COMMIT. */
export function renderScript(
  script: DeployScript,
  opts: { command: string; version: string; target?: string; way?: { kind: string; reason: string } },
): string {
  const node = (n: { commit: string; hash?: string }) =>
    n.commit === BASE ? 'nothing (empty database)' : `${n.commit}${n.hash ? ` (${n.hash})` : ''}`;
  const lines = [
    sqlComment(
      [
        `schemaver ${opts.command} script (schemaver ${opts.version})`,
        `from: ${node(script.from)}`,
        `to:   ${node(script.to)}`,
        opts.way?.kind === 'direct'
          ? `path: ${opts.way.reason}`
          : `path: ${script.edges.length} edge(s)${script.edges.length ? ': ' + script.edges.map(edgeLabel).join(', ') : ''}${opts.way ? ` (${opts.way.reason})` : ''}`,
        ...(opts.target ? [`target when generated: ${opts.target}`] : []),
        'Run it as a whole (psql -v ON_ERROR_STOP=1 -f FILE): any failure rolls everything back.',
      ].join('\n'),
    ),
    '',
    'BEGIN;',
  ];
  let edge: number | undefined = -1;
  for (const u of script.units) {
    if (u.edge !== edge) lines.push('');
    edge = u.edge;
    if (u.comment) lines.push(sqlComment(u.comment));
    // a statement ending in a line comment gets its semicolon on the next line
    lines.push(/--[^\n]*$/.test(u.sql) ? `${u.sql}\n;` : `${u.sql};`);
  }
  lines.push('', 'COMMIT;', '');
  return lines.join('\n');
}

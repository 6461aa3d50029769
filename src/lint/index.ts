/**
 * The migration linter: what a script does to a database under live traffic, named with the squawk linter's rule
 * names (https://squawkhq.com). It reads statements with PostgreSQL's own parser (validate/sqlparse.ts), so it
 * lints generated plans (`plan`, `review`, `lint A..B`) and hand-written SQL (`lint --sql FILE`) alike. Tables the
 * script itself creates are exempt (nothing uses them yet), as in squawk. Levels: `error` for statements that lose
 * data or fail on tables holding rows, `warning` for those that block reads or writes, rewrite a table or break
 * running clients.
 */
import { loadSqlParser, parseSql } from '../validate/sqlparse.js';
import { splitStatements } from '../sql/split.js';
import { isVolatileBuiltin } from '../plan/volatile.js';

/** Level of a finding: `error` loses data or fails on rows; `warning` locks, rewrites or breaks clients. */
export type Level = 'warning' | 'error';

/** Finding is one rule a statement breaks. */
export interface Finding {
  readonly rule: string;
  readonly level: Level;
  readonly message: string;
  /** help: the online-safe way to do it. */
  readonly help: string;
  /** statement: the statement as written (first line), line: its line in the script, step: the step comment above it. */
  readonly statement: string;
  readonly line: number;
  readonly step?: string;
}

/** RULES are the rules this linter knows, by squawk name: level, message, help. */
export const RULES: Readonly<Record<string, { level: Level; message: string; help: string }>> = {
  'require-concurrent-index-creation': {
    level: 'warning',
    message: 'CREATE INDEX blocks writes to the table while the index builds',
    help: 'CREATE INDEX CONCURRENTLY outside a transaction (`--online` does)',
  },
  'require-concurrent-index-deletion': {
    level: 'warning',
    message: 'DROP INDEX takes an ACCESS EXCLUSIVE lock on the table',
    help: 'DROP INDEX CONCURRENTLY (`--online` does)',
  },
  'constraint-missing-not-valid': {
    level: 'warning',
    message: 'adding a constraint scans the table while writes are blocked',
    help: 'ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in its own transaction (`--online` does)',
  },
  'adding-foreign-key-constraint': {
    level: 'warning',
    message: 'a foreign key takes SHARE ROW EXCLUSIVE on both tables and scans the referencing one',
    help: 'add it NOT VALID, then VALIDATE CONSTRAINT (`--online` does)',
  },
  'adding-not-nullable-field': {
    level: 'warning',
    message: 'SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock',
    help: 'a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (`--online` does)',
  },
  'adding-required-field': {
    level: 'error',
    message: 'a NOT NULL column without a default fails on a table holding rows',
    help: 'declare a `default:`, or add the column nullable, backfill, then set NOT NULL',
  },
  'adding-field-with-default': {
    level: 'warning',
    message:
      'a volatile default, an identity or a stored generated column fills every row: the table is rewritten under an ACCESS EXCLUSIVE lock',
    help: 'add the column without it, set the default, backfill in batches (`--online` does for volatile defaults and identity columns)',
  },
  'changing-column-type': {
    level: 'warning',
    message:
      'changing a column type takes an ACCESS EXCLUSIVE lock, rewrites the table (and its indexes) unless PostgreSQL can skip it (varchar(n) -> varchar(m > n) or text), and may break clients',
    help: 'expand/contract over several deploys (`--online` cannot do it in one): add the new column nullable, have the application write both (or a trigger), backfill it in batches with `--up`, switch readers, then drop the old column',
  },
  'disallowed-unique-constraint': {
    level: 'warning',
    message: 'ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock',
    help: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX',
  },
  'adding-serial-primary-key-field': {
    level: 'warning',
    message: 'ADD PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock',
    help: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX',
  },
  'ban-drop-column': {
    level: 'error',
    message: 'dropping a column loses its data and breaks clients that still read it',
    help: 'stop using it in the application first; drop it in a later commit',
  },
  'ban-drop-table': {
    level: 'error',
    message: 'dropping a table loses its data and breaks clients that still use it',
    help: 'stop using it in the application first; drop it in a later commit',
  },
  'renaming-column': {
    level: 'warning',
    message: 'renaming a column breaks clients that use the old name',
    help: 'add the new column, write both, switch readers, drop the old one',
  },
  'renaming-table': {
    level: 'warning',
    message: 'renaming a table breaks clients that use the old name',
    help: 'a view under the old name while clients move, or deploy the rename with the application',
  },
};

type Node = Record<string, unknown>;

/** relKey writes a RangeVar as `schema.name` (public when unqualified). */
function relKey(r: unknown): string {
  const v = (r ?? {}) as { schemaname?: string; relname?: string };
  return `${v.schemaname ?? 'public'}.${v.relname ?? ''}`;
}

/**
 * callsVolatileFunction tells whether a parse tree calls a volatile built-in anywhere in it (plan/volatile.ts; the
 * script alone does not say how its own functions were declared, so only built-ins and contrib functions count).
 */
function callsVolatileFunction(tree: unknown): boolean {
  if (Array.isArray(tree)) return tree.some(callsVolatileFunction);
  if (tree === null || typeof tree !== 'object') return false;
  const call = (tree as Node)['FuncCall'] as Node | undefined;
  if (call) {
    const parts = ((call['funcname'] as Node[] | undefined) ?? []).map((p) => ((p['String'] ?? {}) as Node)['sval']);
    const name = parts[parts.length - 1];
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    if (typeof name === 'string' && isVolatileBuiltin(typeof schema === 'string' ? schema : undefined, name))
      return true;
  }
  return Object.values(tree as Node).some(callsVolatileFunction);
}

/** constraintsOf returns the Constraint nodes of a ColumnDef. */
function constraintsOf(col: Node): Node[] {
  return ((col['constraints'] as Node[] | undefined) ?? []).map((c) => (c['Constraint'] ?? {}) as Node);
}

/** State is what the linter remembers while it walks a script. */
interface State {
  readonly created: Set<string>;
  /** notNullChecks: `table\0check` of CHECK (c IS NOT NULL) NOT VALID -> the column; validated: `table\0column`. */
  readonly notNullChecks: Map<string, string>;
  readonly validated: Set<string>;
}

/** alterRules lists the rules one ALTER TABLE command breaks. */
function alterRules(table: string, cmd: Node, st: State): string[] {
  const sub = cmd['subtype'] as string;
  const def = (cmd['def'] ?? {}) as Node;
  const fresh = st.created.has(table);
  if (sub === 'AT_AddConstraint') {
    const c = (def['Constraint'] ?? {}) as Node;
    const nv = c['skip_validation'] === true;
    const nt = ((c['raw_expr'] ?? {}) as Node)['NullTest'] as Node | undefined;
    const col = (
      (((nt?.['arg'] ?? {}) as Node)['ColumnRef'] as Node | undefined)?.['fields'] as Node[] | undefined
    )?.[0];
    const colName = ((col?.['String'] ?? {}) as Node)['sval'];
    if (nt && nt['nulltesttype'] === 'IS_NOT_NULL' && typeof colName === 'string' && typeof c['conname'] === 'string')
      st.notNullChecks.set(`${table}\0${c['conname']}`, colName);
    if (fresh) return [];
    switch (c['contype']) {
      case 'CONSTR_FOREIGN':
        return nv ? [] : ['constraint-missing-not-valid', 'adding-foreign-key-constraint'];
      case 'CONSTR_CHECK':
        return nv ? [] : ['constraint-missing-not-valid'];
      case 'CONSTR_UNIQUE':
        return c['indexname'] ? [] : ['disallowed-unique-constraint'];
      case 'CONSTR_PRIMARY':
        return c['indexname'] ? [] : ['adding-serial-primary-key-field'];
      default:
        return [];
    }
  }
  if (sub === 'AT_ValidateConstraint') {
    const col = st.notNullChecks.get(`${table}\0${String(cmd['name'])}`);
    if (col !== undefined) st.validated.add(`${table}\0${col}`);
    return [];
  }
  if (fresh) return [];
  if (sub === 'AT_SetNotNull')
    return st.validated.has(`${table}\0${String(cmd['name'])}`) ? [] : ['adding-not-nullable-field'];
  if (sub === 'AT_AlterColumnType') return ['changing-column-type'];
  if (sub === 'AT_DropColumn') return ['ban-drop-column'];
  if (sub === 'AT_AddColumn') {
    const cs = constraintsOf((def['ColumnDef'] ?? {}) as Node);
    const dflt = cs.find((c) => c['contype'] === 'CONSTR_DEFAULT');
    const out: string[] = [];
    if (
      cs.some((c) => c['contype'] === 'CONSTR_NOTNULL') &&
      !dflt &&
      !cs.some((c) => c['contype'] === 'CONSTR_IDENTITY')
    )
      out.push('adding-required-field');
    const fills = (c: Node) => c['contype'] === 'CONSTR_GENERATED' || c['contype'] === 'CONSTR_IDENTITY';
    if (cs.some(fills) || callsVolatileFunction(dflt?.['raw_expr'])) out.push('adding-field-with-default');
    return out;
  }
  return [];
}

/** statementRules lists the rules one parsed statement breaks (and remembers what it creates). */
function statementRules(stmt: Node, st: State): string[] {
  const [type, body] = Object.entries(stmt)[0] ?? [];
  const n = (body ?? {}) as Node;
  switch (type) {
    case 'CreateStmt':
      st.created.add(relKey(n['relation']));
      return [];
    case 'IndexStmt':
      return n['concurrent'] || st.created.has(relKey(n['relation'])) ? [] : ['require-concurrent-index-creation'];
    case 'DropStmt':
      if (n['removeType'] === 'OBJECT_INDEX') return n['concurrent'] ? [] : ['require-concurrent-index-deletion'];
      return n['removeType'] === 'OBJECT_TABLE' ? ['ban-drop-table'] : [];
    case 'RenameStmt':
      if (st.created.has(relKey(n['relation']))) return [];
      if (n['renameType'] === 'OBJECT_COLUMN') return ['renaming-column'];
      return n['renameType'] === 'OBJECT_TABLE' ? ['renaming-table'] : [];
    case 'AlterTableStmt': {
      if (n['objtype'] !== 'OBJECT_TABLE') return [];
      const table = relKey(n['relation']);
      return ((n['cmds'] as Node[] | undefined) ?? []).flatMap((c) =>
        alterRules(table, (c['AlterTableCmd'] ?? {}) as Node, st),
      );
    }
    default:
      return [];
  }
}

/** lintScript lints a SQL script (statements that do not parse are skipped: the proof reports them). */
export async function lintScript(script: string): Promise<Finding[]> {
  await loadSqlParser();
  const st: State = { created: new Set(), notNullChecks: new Map(), validated: new Set() };
  const out: Finding[] = [];
  for (const s of splitStatements(script)) {
    const parsed = parseSql(s.sql);
    if (!parsed.ok) continue;
    for (const stmt of parsed.stmts)
      for (const rule of [...new Set(statementRules(stmt, st))]) {
        const r = RULES[rule]!;
        out.push({
          rule,
          level: r.level,
          message: r.message,
          help: r.help,
          statement: s.sql.split('\n')[0]!,
          line: s.line,
          ...(s.comment !== undefined ? { step: s.comment.replace(/^step \d+\/\d+: /, '') } : {}),
        });
      }
  }
  return out;
}

/** atOrAbove tells whether a finding's level is at or above `level` (`warning` < `error`). */
export function atOrAbove(f: Pick<Finding, 'level'>, level: Level): boolean {
  return level === 'warning' || f.level === 'error';
}

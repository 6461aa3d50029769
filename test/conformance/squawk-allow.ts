/**
 * The squawk findings an online up script may keep (issue 12's bar), each with why it cannot be avoided and a check
 * that the reason holds for the finding at hand: a finding that no rule's check accepts is a failure. Findings are
 * read off the script as the online deploy runs it (sql/online.ts deployedScript: each step between its own BEGIN and
 * COMMIT), so "the same transaction" below is the BEGIN ... COMMIT around the flagged statement.
 */
import { splitStatements } from '../../src/sql/split.js';
import type { Schema } from '../../src/model/types.js';

/** LOCK_RULES are squawk's rules about locks and rewrites (the others judge style, types, or clients). */
export const LOCK_RULES: ReadonlySet<string> = new Set([
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'require-concurrent-partition-detach',
  'constraint-missing-not-valid',
  'adding-foreign-key-constraint',
  'adding-not-nullable-field',
  'adding-field-with-default',
  'adding-serial-primary-key-field',
  'changing-column-type',
  'disallowed-unique-constraint',
  'ban-alter-domain-with-add-constraint',
  'ban-concurrent-index-creation-in-transaction',
]);

/** Finding is one squawk finding with the statement it flags and the statements of its transaction. */
export interface Finding {
  readonly id: string;
  readonly rule: string;
  /** stmt: the flagged statement (no semicolon). */
  readonly stmt: string;
  /** before: the statements of the same transaction before it (empty outside a transaction). */
  readonly before: readonly string[];
  /** tx: every statement of the same transaction (just stmt outside one). */
  readonly tx: readonly string[];
  /** later: the statements of the script after the flagged statement's transaction. */
  readonly later: readonly string[];
  /** from, to: the source and target schemas of the case. */
  readonly from: Schema;
  readonly to: Schema;
}

/** Allow is one reason a finding cannot be avoided, with the check that the reason holds. */
export interface Allow {
  readonly rule: string;
  readonly reason: string;
  readonly holds: (f: Finding, volatile: ReadonlySet<string>) => boolean;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const REL = String.raw`${IDENT}(?:\.${IDENT})?`;
const re = (src: string, flags = 'i') => new RegExp(src, flags);

/** createdBefore tells whether a `CREATE <kind> <rel>` runs earlier in the same transaction. */
function createdBefore(f: Finding, kind: string, rel: string): boolean {
  const made = re(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?${kind}\s+(?:IF\s+NOT\s+EXISTS\s+)?(${REL})`);
  return f.before.some((s) => made.exec(s)?.[1] === rel);
}

/** calls lists the names a statement calls (`name(`), lower-cased, without schema. */
function calls(sql: string): string[] {
  const noStrings = sql.replace(/'(?:[^']|'')*'/g, "''");
  return [...noStrings.matchAll(/([A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")\s*\(/g)].map((m) =>
    m[1]!.replace(/^"(.*)"$/s, '$1').toLowerCase(),
  );
}

/** ALLOWED: every reason a lock or rewrite finding may stay in an online up script. */
export const ALLOWED: readonly Allow[] = [
  {
    rule: 'require-concurrent-index-creation',
    reason:
      'an index on a materialized view this same transaction creates: no other session sees the view before COMMIT, ' +
      'so nothing waits on the build (squawk exempts only tables created in the transaction)',
    holds: (f) => {
      const m = re(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:${IDENT}\s+)?ON\s+(?:ONLY\s+)?(${REL})`).exec(f.stmt);
      return !!m && createdBefore(f, 'MATERIALIZED\\s+VIEW', m[1]!);
    },
  },
  {
    rule: 'constraint-missing-not-valid',
    reason:
      'EXCLUDE has no online form: PostgreSQL takes neither NOT VALID nor USING INDEX for an exclusion constraint, ' +
      'which builds its index under the table lock',
    holds: (f) =>
      re(String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?${REL}\s+ADD\s+CONSTRAINT\s+${IDENT}\s+EXCLUDE\b`).test(f.stmt),
  },
  {
    rule: 'changing-column-type',
    reason:
      'ALTER COLUMN ... TYPE is the only statement that changes a column type (its online form is expand/contract ' +
      'across deploys of the application, which one migration cannot do); the online plan runs it in a transaction ' +
      'that touches that table only, under lock_timeout',
    holds: (f) => {
      const m = re(
        String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?(${REL})\s+ALTER\s+COLUMN\s+${IDENT}\s+(?:SET\s+DATA\s+)?TYPE\b`,
      ).exec(f.stmt);
      if (!m) return false;
      // the rest of its transaction alters that table, or the type of a sequence (a serial's, a catalog update)
      const same = re(String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?(${REL})\s`);
      const seqType = re(String.raw`^ALTER\s+SEQUENCE\s+${REL}\s+AS\s+(?:smallint|integer|bigint)$`);
      return f.tx.every((s) => same.exec(s)?.[1] === m[1] || seqType.test(s));
    },
  },
  {
    rule: 'adding-field-with-default',
    reason:
      'a STORED generated column is computed for every existing row as it is added (a rewrite), and no later ' +
      'statement turns a plain column into a generated one: it has no online form',
    holds: (f) =>
      re(
        String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?${REL}\s+ADD\s+COLUMN\s+[\s\S]*\bGENERATED\s+ALWAYS\s+AS\s+\([\s\S]*\)\s+STORED\b`,
      ).test(f.stmt),
  },
  {
    rule: 'adding-field-with-default',
    reason:
      'the default calls no volatile function (checked against pg_proc and the schema): PostgreSQL evaluates it once ' +
      'and keeps the value in the catalog, so ADD COLUMN rewrites nothing (squawk flags every default that is not a literal)',
    holds: (f, volatile) => {
      const m = re(String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?${REL}\s+ADD\s+COLUMN\s+[\s\S]*\bDEFAULT\b`).exec(f.stmt);
      if (!m || /\bGENERATED\b/i.test(f.stmt)) return false;
      const own = new Set(
        Object.values(f.to.functions)
          .filter((fn) => !fn.volatility)
          .map((fn) => fn.name.toLowerCase()),
      );
      return calls(f.stmt).every((c) => !volatile.has(c) && !own.has(c));
    },
  },
  {
    rule: 'ban-alter-domain-with-add-constraint',
    reason:
      'a constraint on a domain this same transaction creates: no column of another session can use the domain ' +
      'before COMMIT, so the check scans nothing (squawk flags every ALTER DOMAIN ... ADD CONSTRAINT)',
    holds: (f) => {
      const m = re(String.raw`^ALTER\s+DOMAIN\s+(${REL})\s+ADD\s+CONSTRAINT\b`).exec(f.stmt);
      return !!m && createdBefore(f, 'DOMAIN', m[1]!);
    },
  },
  {
    rule: 'ban-alter-domain-with-add-constraint',
    reason:
      'no column of any table (nor another domain) uses the domain, so adding its constraint scans and locks no ' +
      'table (PostgreSQL checks the values of a domain in use under a SHARE lock even with NOT VALID ... VALIDATE, so ' +
      'a domain in use has no online form: a table CHECK is)',
    holds: (f) => {
      const m = re(String.raw`^ALTER\s+DOMAIN\s+(${REL})\s+ADD\s+CONSTRAINT\b`).exec(f.stmt);
      if (!m) return false;
      const id = m[1]!.replace(/^public\./, '').replace(/"/g, '');
      const named = (type: string) => {
        const t = type.replace(/(\[\])+$/, '').replace(/"/g, '');
        return t === id || t === `public.${id}`;
      };
      return (
        !!f.to.domains[id] &&
        Object.values(f.to.tables).every((t) => t.columns.every((c) => !named(c.type))) &&
        Object.values(f.to.domains).every((d) => !named(d.type))
      );
    },
  },
];

/** statementAt finds the statement of `script` that squawk's 0-based `line` falls in, with its transaction. */
export function statementAt(
  script: string,
  line: number,
): { stmt: string; before: string[]; tx: string[]; later: string[] } | undefined {
  const all = splitStatements(script);
  const at = all.findIndex((s, i) => {
    const next = all[i + 1];
    return s.line <= line + 1 && (!next || next.line > line + 1);
  });
  if (at < 0) return undefined;
  const word = (i: number) => all[i]!.sql.trim().split(/\s+/)[0]!.toUpperCase();
  let begin = -1;
  for (let i = at - 1; i >= 0; i--) {
    if (word(i) === 'COMMIT') break;
    if (word(i) === 'BEGIN') {
      begin = i;
      break;
    }
  }
  let end = at;
  if (begin >= 0) while (end + 1 < all.length && word(end) !== 'COMMIT') end++;
  const sql = (from: number, to: number) => all.slice(from, to).map((s) => s.sql);
  return begin < 0
    ? { stmt: all[at]!.sql, before: [], tx: [all[at]!.sql], later: sql(at + 1, all.length) }
    : {
        stmt: all[at]!.sql,
        before: sql(begin + 1, at),
        tx: sql(begin + 1, end),
        later: sql(end + 1, all.length),
      };
}

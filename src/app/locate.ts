/**
 * Errors the planner raises about one column (a type change with no cast) name the table and column in `data`; the
 * commands that plan from schema/ point them at the column's line in the YAML the user wrote.
 */
import { SchemaverError } from '../errors.js';
import type { SourceFile } from '../parse/index.js';

/** withColumnLoc plans with `fn`, and gives a column error from it the file:line:col of that column in `files`. */
export function withColumnLoc<T>(files: readonly SourceFile[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof SchemaverError) || e.loc) throw e;
    const d = e.data as { table?: unknown; column?: unknown } | undefined;
    if (typeof d?.table !== 'string' || typeof d.column !== 'string') throw e;
    const loc = findColumn(files, d.table, d.column);
    if (!loc) throw e;
    const { code, message, hint, data, exit, issues } = e;
    throw new SchemaverError({ code, message, hint, data, exit, issues, loc, cause: e });
  }
}

/** findColumn finds `column:` under `table:` (its name as written, plain or quoted) in a YAML file. */
function findColumn(files: readonly SourceFile[], table: string, column: string) {
  const name = (s: string) => s.replace(/^public\./, '');
  const key = (s: string) => new RegExp(`^(\\s*)(["']?)${escape(s)}\\2\\s*:`);
  const tk = key(name(table));
  const ck = key(column);
  for (const f of files) {
    const lines = f.text.split('\n');
    let tIndent = -1;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const t = tk.exec(l);
      if (t) tIndent = t[1]!.length;
      else if (tIndent >= 0 && l.trim() && (/^\s*/.exec(l)?.[0].length ?? 0) <= tIndent) tIndent = -1;
      const c = tIndent >= 0 ? ck.exec(l) : null;
      if (c && c[1]!.length > tIndent) return { file: f.path, line: i + 1, col: c[1]!.length + 1 };
    }
  }
  return undefined;
}

/** escape makes a name safe inside a regular expression. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Sample rows for verification: a few rows per table, generated from column types, inserted before `up` so
 * that verification can check that data survives the migration. Sampling never fails verification: a table
 * that cannot be filled (unknown types, checks, partition bounds...) is simply left empty.
 */
import type { Column, Schema, Table } from '../model/types.js';
import { parseQid } from '../model/ids.js';
import { qualified, quoteIdent, quoteLiteral } from '../sql/quote.js';
import type { Driver } from './driver.js';

/** SAMPLE_ROWS is how many rows each table gets. */
export const SAMPLE_ROWS = 3;

function relName(id: string): string {
  const q = parseQid(id);
  return q ? qualified(q.schema, q.name) : quoteIdent(id);
}

/** valueFor returns an SQL literal for row `i` (1-based) of a column of `type`, or undefined when it cannot make one. */
export function valueFor(schema: Schema, type: string, i: number, depth = 0): string | undefined {
  if (depth > 5) return undefined;
  if (type.endsWith('[]')) return `'{}'`;
  const base = type.replace(/\(.*\)$/, '').trim();
  const letter = String.fromCharCode(96 + i); // a, b, c
  switch (base) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'numeric':
    case 'real':
    case 'double precision':
    case 'money':
      return String(i);
    case 'text':
    case 'character varying':
    case 'character':
    case 'citext':
    case 'name':
    case '"char"':
      return quoteLiteral(letter);
    case 'boolean':
      return i % 2 === 1 ? 'true' : 'false';
    case 'date':
      return quoteLiteral(`2024-01-0${i}`);
    case 'timestamp without time zone':
    case 'timestamp with time zone':
      return quoteLiteral(`2024-01-0${i} 00:00:00`);
    case 'time without time zone':
    case 'time with time zone':
      return quoteLiteral(`00:00:0${i}`);
    case 'interval':
      return quoteLiteral(`${i} days`);
    case 'uuid':
      return quoteLiteral(`00000000-0000-4000-8000-00000000000${i}`);
    case 'json':
    case 'jsonb':
      return quoteLiteral(`{"n": ${i}}`);
    case 'bytea':
      return quoteLiteral(`\\x0${i}`);
    case 'inet':
    case 'cidr':
      return quoteLiteral(`10.0.0.${i}`);
    case 'macaddr':
      return quoteLiteral(`08:00:2b:01:02:0${i}`);
    default:
      break;
  }
  const en = schema.enums[type];
  if (en && en.values.length) return quoteLiteral(en.values[(i - 1) % en.values.length]!);
  const dom = schema.domains[type];
  if (dom) return valueFor(schema, dom.type, i, depth + 1);
  return undefined;
}

/** insertFor writes the INSERT for one table's sample rows, or undefined when the table cannot be filled. */
export function insertFor(schema: Schema, id: string, t: Table): string | undefined {
  const cols: Column[] = [];
  for (const c of t.columns) {
    if (c.generated !== undefined || c.serial || c.identity) continue;
    const v = valueFor(schema, c.type, 1);
    if (v === undefined) {
      if (!c.nullable && c.default === undefined) return undefined;
      continue;
    }
    if (c.default !== undefined && !c.nullable) continue; // let the default fill it
    cols.push(c);
  }
  const name = relName(id);
  if (cols.length === 0)
    return Array.from({ length: SAMPLE_ROWS }, () => `INSERT INTO ${name} DEFAULT VALUES`).join(';\n');
  const rows: string[] = [];
  for (let i = 1; i <= SAMPLE_ROWS; i++) rows.push(`(${cols.map((c) => valueFor(schema, c.type, i)!).join(', ')})`);
  return `INSERT INTO ${name} (${cols.map((c) => quoteIdent(c.name)).join(', ')}) VALUES ${rows.join(', ')}`;
}

/** fillOrder sorts tables so that referenced tables come before the tables that reference them. */
export function fillOrder(schema: Schema): string[] {
  const ids = Object.keys(schema.tables).sort();
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (id: string, stack: Set<string>) => {
    if (seen.has(id) || stack.has(id)) return;
    stack.add(id);
    const t = schema.tables[id];
    for (const fk of Object.values(t?.foreignKeys ?? {}))
      if (fk.refTable !== id && schema.tables[fk.refTable]) visit(fk.refTable, stack);
    stack.delete(id);
    seen.add(id);
    out.push(id);
  };
  for (const id of ids) visit(id, new Set());
  return out;
}

/** insertSamples fills every table it can (partitions through their parent) and returns the tables it filled. */
export async function insertSamples(db: Driver, schema: Schema): Promise<string[]> {
  const work: { id: string; sql: string }[] = [];
  for (const id of fillOrder(schema)) {
    const t = schema.tables[id]!;
    if (t.partitionOf) continue;
    const sql = insertFor(schema, id, t);
    if (sql) work.push({ id, sql });
  }
  if (work.length === 0) return [];
  try {
    await db.exec(work.map((w) => w.sql).join(';\n'));
    return work.map((w) => w.id);
  } catch {
    /* one table refused its rows: fall back to one savepoint per table */
  }
  const filled: string[] = [];
  await db.exec('BEGIN');
  try {
    for (const w of work) {
      try {
        await db.exec(`SAVEPOINT sv_sample;\n${w.sql};\nRELEASE SAVEPOINT sv_sample`);
        filled.push(w.id);
      } catch {
        await db.exec('ROLLBACK TO SAVEPOINT sv_sample; RELEASE SAVEPOINT sv_sample');
      }
    }
    await db.exec('COMMIT');
  } catch {
    await db.exec('ROLLBACK').catch(() => {});
    return [];
  }
  return filled;
}

/** countRows counts the rows of each table (partitioned: all partitions; otherwise ONLY the table itself); missing tables count -1. */
export async function countRows(db: Driver, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const exists = await db.query<{ id: string; kind: string }>(
    `SELECT n.nspname || '.' || c.relname AS id, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')`,
  );
  const present = new Set(exists.map((r) => r.id));
  const partitioned = new Set(exists.filter((r) => r.kind === 'p').map((r) => r.id));
  const from = (id: string) => {
    const q = parseQid(id)!;
    return partitioned.has(`${q.schema}.${q.name}`) ? relName(id) : `ONLY ${relName(id)}`;
  };
  const countable = ids.filter((id) => {
    const q = parseQid(id);
    return q !== undefined && present.has(`${q.schema}.${q.name}`);
  });
  for (const id of ids) out.set(id, -1);
  const chunk = 200;
  for (let i = 0; i < countable.length; i += chunk) {
    const part = countable.slice(i, i + chunk);
    const sql = `SELECT ${part.map((id, k) => `(SELECT count(*) FROM ${from(id)})::int AS c${k}`).join(', ')}`;
    const [row] = await db.query<Record<string, number>>(sql);
    part.forEach((id, k) => out.set(id, Number(row?.[`c${k}`] ?? -1)));
  }
  return out;
}

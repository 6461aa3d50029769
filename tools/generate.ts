/**
 * Synthetic schemas for benchmarks and property tests: realistic tables (5-12 columns, identity keys, foreign keys to
 * earlier tables, indexes, checks, enums, a few views and triggers) and random mutations of them. Deterministic per seed.
 */
import { assignDefaultNames, type NamingTable } from '../src/canon/names.js';
import { tidySchema } from '../src/canon/canonical.js';
import { qid } from '../src/model/ids.js';
import { writeSchemaYaml } from '../src/yaml/index.js';
import {
  emptySchema,
  emptyTable as modelEmptyTable,
  type Column,
  type EnumType,
  type Func,
  type Index,
  type Schema,
  type Table,
  type View,
} from '../src/model/types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MTable = Omit<Mutable<Table>, 'columns' | 'uniques' | 'checks' | 'foreignKeys' | 'indexes' | 'triggers'> & {
  columns: Mutable<Column>[];
  uniques: Record<string, Mutable<Table['uniques'][string]>>;
  checks: Record<string, Mutable<Table['checks'][string]>>;
  foreignKeys: Record<string, Mutable<Table['foreignKeys'][string]>>;
  indexes: Record<string, Mutable<Index>>;
  triggers: Record<string, Mutable<Table['triggers'][string]>>;
};
type MSchema = Omit<Mutable<Schema>, 'tables' | 'enums' | 'views' | 'schemas' | 'functions'> & {
  schemas: Record<string, Schema['schemas'][string]>;
  functions: Record<string, Func>;
  tables: Record<string, MTable>;
  enums: Record<string, Mutable<EnumType>>;
  views: Record<string, Mutable<View>>;
};

/** rng returns a deterministic pseudo-random generator (mulberry32) for a seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = [
  'account',
  'order',
  'invoice',
  'product',
  'customer',
  'shipment',
  'payment',
  'review',
  'session',
  'event',
  'ticket',
  'message',
  'project',
  'task',
  'team',
  'member',
  'address',
  'coupon',
  'refund',
  'stock',
];
const FIELDS = [
  'title',
  'note',
  'code',
  'label',
  'status_text',
  'email',
  'phone',
  'city',
  'country',
  'score',
  'amount',
  'quantity',
  'rating',
  'priority',
  'weight',
  'price',
  'flag',
  'payload',
  'token',
  'slug',
];

interface Picker {
  r: () => number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

function picker(seed: number): Picker {
  const r = rng(seed);
  return {
    r,
    int: (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(r() * xs.length)]!,
    chance: (p) => r() < p,
  };
}

/** emptyTable is the model's empty table, as the generator's mutable working copy (a fresh object each call). */
function emptyTable(schema: string, name: string): MTable {
  return modelEmptyTable(schema, name) as MTable;
}

function fieldColumn(p: Picker, name: string, enums: readonly EnumType[]): Mutable<Column> {
  const kind = p.int(0, 9);
  const col: Mutable<Column> = { kind: 'column', name, type: 'text', nullable: p.chance(0.6) };
  switch (kind) {
    case 0:
      col.type = `character varying(${p.pick([20, 40, 80, 255])})`;
      break;
    case 1:
      col.type = 'integer';
      if (p.chance(0.5)) col.default = { literal: p.int(0, 10) };
      break;
    case 2:
      col.type = 'numeric(12,2)';
      break;
    case 3:
      col.type = 'boolean';
      col.default = { literal: p.chance(0.5) };
      col.nullable = false;
      break;
    case 4:
      col.type = 'jsonb';
      if (p.chance(0.5)) col.default = { sql: "'{}'::jsonb" };
      break;
    case 5:
      col.type = 'uuid';
      break;
    case 6:
      if (enums.length) {
        const e = p.pick(enums);
        col.type = qid(e.schema, e.name);
        col.default = { literal: e.values[0]! };
        col.nullable = false;
      }
      break;
    case 7:
      col.type = 'date';
      break;
    case 8:
      col.type = 'bigint';
      break;
    default:
      col.type = 'text';
  }
  return col;
}

/** generateSchema builds a realistic schema of `nTables` tables (about 8 columns each), deterministic for a seed. */
export function generateSchema(nTables: number, seed = 1): Schema {
  const p = picker(seed);
  const s = emptySchema() as MSchema;
  const nSchemas = Math.max(0, Math.ceil(nTables / 250) - 1);
  const schemaNames = ['public'];
  for (let i = 1; i <= nSchemas; i++) {
    const name = `app${i}`;
    s.schemas[name] = { kind: 'namespace', name };
    schemaNames.push(name);
  }
  const enums: EnumType[] = [];
  for (let i = 0; i < Math.max(1, Math.floor(nTables / 25)); i++) {
    const schema = p.pick(schemaNames);
    const name = `${p.pick(NOUNS)}_state_${i}`;
    const values = Array.from(
      { length: p.int(3, 6) },
      (_, j) => `${p.pick(['new', 'open', 'done', 'held', 'void'])}_${j}`,
    );
    const e: EnumType = { kind: 'enum', schema, name, values };
    s.enums[qid(schema, name)] = e;
    enums.push(e);
  }
  const touch: Func = {
    kind: 'function',
    schema: 'public',
    name: 'touch_updated_at',
    args: '',
    identityArgs: '',
    returns: 'trigger',
    language: 'plpgsql',
    body: 'BEGIN NEW.updated_at = now(); RETURN NEW; END',
  };
  s.functions['touch_updated_at()'] = touch;
  const ids: string[] = [];
  for (let i = 0; i < nTables; i++) {
    const schema = schemaNames[i % schemaNames.length]!;
    const name = `${p.pick(NOUNS)}s_${i}`;
    const id = qid(schema, name);
    const t = emptyTable(schema, name);
    t.columns.push({
      kind: 'column',
      name: 'id',
      type: 'bigint',
      nullable: false,
      identity: { mode: p.chance(0.7) ? 'always' : 'by_default' },
    });
    t.primaryKey = { kind: 'primary_key', name: '', columns: ['id'] };
    const nCols = p.int(8, 16);
    const nFks = ids.length ? p.int(0, Math.min(2, nCols - 3)) : 0;
    for (let f = 0; f < nFks; f++) {
      const target = p.pick(ids);
      const col = `${s.tables[target]!.name.replace(/s_\d+$/, '')}_${f}_id`;
      t.columns.push({ kind: 'column', name: col, type: 'bigint', nullable: p.chance(0.5) });
      t.foreignKeys[`fk${f}`] = {
        kind: 'foreign_key',
        name: '',
        columns: [col],
        refTable: target,
        refColumns: ['id'],
        ...(p.chance(0.3) ? { onDelete: 'cascade' as const } : {}),
      };
      t.indexes[`ix${f}`] = { kind: 'index', name: '', elements: [{ column: col }] };
    }
    const used = new Set(t.columns.map((c) => c.name));
    while (t.columns.length < nCols - 2) {
      const fname = `${p.pick(FIELDS)}${used.size}`;
      if (used.has(fname)) continue;
      used.add(fname);
      t.columns.push(fieldColumn(p, fname, enums));
    }
    t.columns.push({
      kind: 'column',
      name: 'created_at',
      type: 'timestamp with time zone',
      nullable: false,
      default: { sql: 'now()' },
    });
    t.columns.push({ kind: 'column', name: 'updated_at', type: 'timestamp with time zone', nullable: true });
    const numeric = t.columns.find((c) => c.type === 'numeric(12,2)' || c.type === 'integer');
    if (numeric && p.chance(0.6)) t.checks['ck'] = { kind: 'check', name: '', expression: `${numeric.name} >= 0` };
    const text = t.columns.find((c) => c.type.startsWith('character varying'));
    if (text && p.chance(0.5)) t.uniques['uq'] = { kind: 'unique', name: '', columns: [text.name] };
    if (p.chance(0.4))
      t.indexes['ixc'] = { kind: 'index', name: '', elements: [{ column: 'created_at', order: 'desc' }] };
    if (p.chance(0.15))
      t.triggers[`${name}_touch`] = {
        kind: 'trigger',
        name: `${name}_touch`,
        timing: 'before',
        events: ['update'],
        forEach: 'row',
        function: 'touch_updated_at',
      };
    if (p.chance(0.2)) t.comment = `${name} rows`;
    s.tables[id] = t;
    ids.push(id);
  }
  for (let i = 0; i < Math.floor(nTables / 50); i++) {
    const tid = p.pick(ids);
    const t = s.tables[tid]!;
    const name = `v_${t.name}_${i}`;
    s.views[qid(t.schema, name)] = {
      kind: 'view',
      schema: t.schema,
      name,
      query: `SELECT id, created_at FROM ${tid} WHERE updated_at IS NOT NULL`,
      ...(i % 4 === 0 ? { materialized: true } : {}),
    };
  }
  return finish(s);
}

/** finish re-keys unnamed constraints/indexes by the names PostgreSQL would choose and tidies the schema. */
function finish(s: MSchema): Schema {
  const naming: NamingTable[] = [];
  const tables = Object.values(s.tables);
  const draft = new Map<
    MTable,
    {
      checks: { name?: string; expression: string }[];
      uniques: { name?: string; columns: string[] }[];
      fks: { name?: string; columns: string[] }[];
      indexes: { name?: string; elements: Index['elements'] }[];
      pk?: { name?: string; columns: readonly string[] };
    }
  >();
  for (const t of tables) {
    const un = <T extends { name: string }>(o: T): T & { name?: string } =>
      o.name === '' ? ({ ...o, name: undefined } as T & { name?: string }) : o;
    const d = {
      checks: Object.values(t.checks).map(un),
      uniques: Object.values(t.uniques).map((u) => un({ ...u, columns: [...u.columns] })),
      fks: Object.values(t.foreignKeys).map((f) => un({ ...f, columns: [...f.columns] })),
      indexes: Object.values(t.indexes).map(un),
      pk: t.primaryKey ? un({ ...t.primaryKey }) : undefined,
    };
    draft.set(t, d as never);
    naming.push({
      schema: t.schema,
      name: t.name,
      columns: t.columns.map((c) => ({ name: c.name, sequence: !!(c.identity || c.serial) })),
      primaryKey: d.pk,
      uniques: d.uniques,
      checks: d.checks,
      foreignKeys: d.fks,
      exclusions: [],
      indexes: d.indexes,
    });
  }
  assignDefaultNames(naming, [], Object.values(s.views));
  for (const t of tables) {
    const d = draft.get(t)!;
    const byName = <T>(xs: readonly T[]): Record<string, T> =>
      Object.fromEntries(xs.map((x) => [(x as { name: string }).name, x]));
    t.checks = byName(d.checks) as never;
    t.uniques = byName(d.uniques) as never;
    t.foreignKeys = byName(d.fks) as never;
    t.indexes = byName(d.indexes) as never;
    if (d.pk) t.primaryKey = d.pk as never;
  }
  return tidySchema(s as unknown as Schema);
}

function clone(s: Schema): MSchema {
  return structuredClone(s) as unknown as MSchema;
}

/** referenced lists the columns of a table that other objects depend on (keys, indexes, checks, views, FKs pointing at it). */
function referenced(s: MSchema, id: string): Set<string> {
  const t = s.tables[id]!;
  const out = new Set<string>(['id', 'created_at', 'updated_at']);
  for (const c of t.primaryKey?.columns ?? []) out.add(c);
  for (const u of Object.values(t.uniques)) u.columns.forEach((c) => out.add(c));
  for (const f of Object.values(t.foreignKeys)) f.columns.forEach((c) => out.add(c));
  for (const i of Object.values(t.indexes)) i.elements.forEach((e) => e.column && out.add(e.column));
  for (const k of Object.values(t.checks))
    for (const c of t.columns) if (k.expression.includes(c.name)) out.add(c.name);
  for (const o of Object.values(s.tables))
    for (const f of Object.values(o.foreignKeys)) if (f.refTable === id) f.refColumns.forEach((c) => out.add(c));
  return out;
}

/** mutateSchema returns a changed copy: a mix of added/dropped/altered columns, indexes, tables, defaults and enum values. */
export function mutateSchema(schema: Schema, nChanges: number, seed = 2): Schema {
  const p = picker(seed);
  const s = clone(schema);
  const enums = Object.values(s.enums);
  let added = 0;
  for (let n = 0; n < nChanges; n++) {
    const ids = Object.keys(s.tables);
    const id = p.pick(ids);
    const t = s.tables[id]!;
    const free = () => {
      const refs = referenced(s, id);
      return t.columns.filter((c) => !refs.has(c.name));
    };
    switch (p.int(0, 9)) {
      case 0: {
        const name = `extra_${n}`;
        t.columns.push(fieldColumn(p, name, enums));
        t.columns[t.columns.length - 1]!.nullable = true;
        delete t.columns[t.columns.length - 1]!.default;
        break;
      }
      case 1: {
        const f = free();
        if (f.length) t.columns = t.columns.filter((c) => c !== p.pick(f));
        break;
      }
      case 2: {
        const c = free().find((x) => x.type.startsWith('character varying') || x.type === 'integer');
        if (c)
          c.type =
            c.type === 'integer' ? 'bigint' : c.type.replace(/\((\d+)\)/, (_, d: string) => `(${Number(d) + 10})`);
        break;
      }
      case 3: {
        const c = free().find((x) => x.type === 'integer' || x.type === 'text');
        if (c) c.default = c.type === 'integer' ? { literal: p.int(1, 99) } : { literal: `d${n}` };
        break;
      }
      case 4: {
        // only relax NOT NULL: tightening it would fail on rows that hold NULLs
        const c = free().find((x) => !x.identity && !x.nullable);
        if (c) c.nullable = true;
        break;
      }
      case 5: {
        const c = p.pick(t.columns);
        const name = `${t.name}_${c.name}_m${n}`.slice(0, 60);
        if (!Object.values(t.indexes).some((i) => i.elements.length === 1 && i.elements[0]!.column === c.name))
          t.indexes[name] = { kind: 'index', name, elements: [{ column: c.name }] };
        break;
      }
      case 6: {
        const names = Object.keys(t.indexes);
        if (names.length) delete t.indexes[p.pick(names)];
        break;
      }
      case 7: {
        const name = `added_table_${seed}_${added++}`;
        const nt = emptyTable('public', name);
        nt.columns.push({ kind: 'column', name: 'id', type: 'bigint', nullable: false, identity: { mode: 'always' } });
        nt.primaryKey = { kind: 'primary_key', name: `${name}_pkey`, columns: ['id'] };
        nt.columns.push({ kind: 'column', name: 'parent_id', type: 'bigint', nullable: true });
        nt.foreignKeys[`${name}_parent_id_fkey`] = {
          kind: 'foreign_key',
          name: `${name}_parent_id_fkey`,
          columns: ['parent_id'],
          refTable: id,
          refColumns: ['id'],
        };
        nt.columns.push({ kind: 'column', name: 'note', type: 'text', nullable: true });
        s.tables[qid('public', name)] = nt;
        break;
      }
      case 8: {
        if (enums.length) {
          const pe = p.pick(enums);
          const e = s.enums[qid(pe.schema, pe.name)]!;
          e.values = [...e.values, `added_${n}`];
        }
        break;
      }
      default: {
        const c = free().find((x) => x.type === 'text' || x.type.startsWith('character varying'));
        if (c) {
          c.renamedFrom = c.name;
          c.name = `${c.name}_r${n}`.slice(0, 63);
        }
      }
    }
  }
  return tidySchema(s as unknown as Schema);
}

/** generateYamlFiles renders generateSchema(nTables, seed) as YAML files (one per schema) through the writer. */
export function generateYamlFiles(nTables: number, seed = 1): Array<{ path: string; text: string }> {
  return writeSchemaYaml(generateSchema(nTables, seed));
}

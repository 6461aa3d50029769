/**
 * Per-kind mergers: one entry per section of the Schema (a Record over the section names, so a new section
 * fails to compile until it has a merger), and the table merger that walks columns, keys, indexes, triggers
 * and policies.
 */
import type {
  Column,
  CompositeType,
  Domain,
  DomainCheck,
  EnumType,
  Index,
  PrimaryKey,
  Schema,
  Sequence,
  Table,
  Trigger,
  View,
} from '../model/types.js';
import { parseQid, qid, splitId } from '../model/ids.js';
import { mergeEnumValues } from './enum.js';
import { mergeAttrs, mergeKeyed, type Entries, type KeyedSpec, type Loc, type MergeCtx } from './keyed.js';
import { compact } from './util.js';

/** Section is the name of one object map of a Schema. */
export type Section = Exclude<keyof Schema, 'kind'>;

/** SectionMerger merges one section of three schemas. */
type SectionMerger = (ctx: MergeCtx, base: Schema, ours: Schema, theirs: Schema) => Record<string, unknown>;

const entries = <T>(r: Readonly<Record<string, T>> | undefined): Entries<T> => Object.entries(r ?? {});
const record = <T>(e: Entries<T>): Record<string, T> => Object.fromEntries(e);

/** qualifiedKey resolves a `renamed_from` hint of a schema-qualified object to a key (`old` in the object's schema, or `s.old`). */
function qualifiedKey(obj: { schema: string; renamedFrom?: string }): string | undefined {
  if (obj.renamedFrom === undefined) return undefined;
  const parts = splitId(obj.renamedFrom);
  if (!parts || parts.length > 2) return undefined;
  return parts.length === 2 ? qid(parts[0]!, parts[1]!) : qid(obj.schema, parts[0]!);
}

/** qualifiedSpec builds the KeyedSpec of a schema-qualified, renameable kind. */
function qualifiedSpec<T extends { schema: string; name: string; renamedFrom?: string }>(
  section: Section,
  what: string,
  merge: KeyedSpec<T>['merge'],
  renameable = true,
): KeyedSpec<T> {
  return {
    what,
    prefix: [section],
    display: (key) => `${what} ${key}`,
    ...(renameable
      ? {
          oldKey: (obj: T) => qualifiedKey(obj),
          nameOf: (obj: T) => obj.name,
          withKey: (obj: T, key: string, renamedFrom: string | undefined) => {
            const q = parseQid(key)!;
            return compact({ ...obj, schema: q.schema, name: q.name, renamedFrom }) as T;
          },
        }
      : {}),
    merge,
  };
}

/** namedSpec builds the KeyedSpec of an object keyed by its bare name inside a parent (column, index, constraint). */
function namedSpec<T extends { name: string; renamedFrom?: string }>(
  what: string,
  prefix: readonly string[],
  parent: string,
  merge: KeyedSpec<T>['merge'],
  renameable = true,
): KeyedSpec<T> {
  return {
    what,
    prefix,
    display: (key) =>
      what === 'column' || what === 'attribute' ? `${what} ${parent}.${key}` : `${what} ${key} on ${parent}`,
    ...(renameable
      ? {
          oldKey: (obj: T) => obj.renamedFrom,
          nameOf: (obj: T) => obj.name,
          withKey: (obj: T, key: string, renamedFrom: string | undefined) =>
            compact({ ...obj, name: key, renamedFrom }) as T,
        }
      : {}),
    merge,
  };
}

/** plain merges an object attribute by attribute, identity kept from ours (or theirs for add/add). */
function plain<T extends object>(ctx: MergeCtx, loc: Loc, base: T | undefined, ours: T, theirs: T): T {
  return withIdentity(ours, mergeAttrs(ctx, loc, base, ours, theirs));
}

/** withIdentity copies the identity fields (kind, name, schema) of `from` onto merged attributes. */
function withIdentity<T extends object>(from: T, attrs: Record<string, unknown>): T {
  const f = from as Record<string, unknown>;
  const id: Record<string, unknown> = { kind: f.kind };
  for (const k of ['schema', 'name', 'renamedFrom']) if (f[k] !== undefined) id[k] = f[k];
  return compact({ ...id, ...attrs }) as T;
}

/** mergeChildren merges a keyed child collection of a parent object. */
function mergeChildren<T extends { name: string; renamedFrom?: string }>(
  ctx: MergeCtx,
  loc: Loc,
  field: string,
  what: string,
  parent: string,
  base: Readonly<Record<string, T>> | undefined,
  ours: Readonly<Record<string, T>> | undefined,
  theirs: Readonly<Record<string, T>> | undefined,
  renameable = true,
): Record<string, T> {
  const spec = namedSpec<T>(what, [...loc.path, field], parent, plain, renameable);
  return record(mergeKeyed(ctx, spec, entries(base), entries(ours), entries(theirs)));
}

/** How each field of an object merges: 'id' (key and hints, by the engine), 'attr' (three-way value), 'child' (keyed sub-merge). */
type FieldPlan<T> = Record<Exclude<keyof T, 'kind'>, 'id' | 'attr' | 'child'>;

/** TABLE_FIELDS classifies every Table field; a new field in types.ts does not compile until it is classified here. */
const TABLE_FIELDS: FieldPlan<Table> = {
  schema: 'id',
  name: 'id',
  renamedFrom: 'id',
  columns: 'child',
  primaryKey: 'child',
  uniques: 'child',
  checks: 'child',
  foreignKeys: 'child',
  exclusions: 'child',
  indexes: 'child',
  triggers: 'child',
  policies: 'child',
  rowLevelSecurity: 'attr',
  forceRowLevelSecurity: 'attr',
  partitionBy: 'attr',
  partitionOf: 'attr',
  inherits: 'attr',
  unlogged: 'attr',
  with: 'attr',
  replicaIdentity: 'attr',
  replicaIdentityIndex: 'attr',
  comment: 'attr',
  grants: 'attr',
  owner: 'attr',
};

/** VIEW_FIELDS classifies every View field (see TABLE_FIELDS). */
const VIEW_FIELDS: FieldPlan<View> = {
  schema: 'id',
  name: 'id',
  renamedFrom: 'id',
  query: 'attr',
  materialized: 'attr',
  columns: 'attr',
  options: 'attr',
  indexes: 'child',
  triggers: 'child',
  columnComments: 'attr',
  comment: 'attr',
  grants: 'attr',
  owner: 'attr',
};

const childrenOf = <T>(plan: FieldPlan<T>): string[] =>
  Object.entries(plan)
    .filter(([, v]) => v === 'child')
    .map(([k]) => k);
const TABLE_CHILDREN = childrenOf(TABLE_FIELDS);
const VIEW_CHILDREN = childrenOf(VIEW_FIELDS);

/** mergeTable merges a table: attributes, columns (ours' order, theirs' additions appended), keys, indexes, triggers, policies. */
function mergeTable(ctx: MergeCtx, loc: Loc, base: Table | undefined, ours: Table, theirs: Table): Table {
  const key = loc.path[loc.path.length - 1]!;
  const attrs = mergeAttrs(ctx, loc, base, ours, theirs, TABLE_CHILDREN);
  const colSpec = namedSpec<Column>('column', [...loc.path, 'columns'], key, plain);
  const columns = mergeKeyed(
    ctx,
    colSpec,
    (base?.columns ?? []).map((c) => [c.name, c] as const),
    ours.columns.map((c) => [c.name, c] as const),
    theirs.columns.map((c) => [c.name, c] as const),
  ).map(([, c]) => c);
  const pkSpec: KeyedSpec<PrimaryKey> = {
    what: 'primary key',
    prefix: loc.path,
    display: () => `primary key of ${key}`,
    merge: plain,
  };
  const pkEntries = (t: Table | undefined): Entries<PrimaryKey> =>
    t?.primaryKey ? [['primaryKey', t.primaryKey]] : [];
  const pk = mergeKeyed(ctx, pkSpec, pkEntries(base), pkEntries(ours), pkEntries(theirs))[0]?.[1];
  const kids = <F extends 'uniques' | 'checks' | 'foreignKeys' | 'exclusions' | 'indexes'>(field: F, what: string) =>
    mergeChildren<{ name: string; renamedFrom?: string }>(
      ctx,
      loc,
      field,
      what,
      key,
      base?.[field],
      ours[field],
      theirs[field],
    ) as unknown as Table[F];
  return compact({
    kind: 'table',
    schema: ours.schema,
    name: ours.name,
    renamedFrom: ours.renamedFrom,
    ...attrs,
    columns,
    primaryKey: pk,
    uniques: kids('uniques', 'unique constraint'),
    checks: kids('checks', 'check constraint'),
    foreignKeys: kids('foreignKeys', 'foreign key'),
    exclusions: kids('exclusions', 'exclusion constraint'),
    indexes: kids('indexes', 'index'),
    triggers: mergeChildren<Trigger>(
      ctx,
      loc,
      'triggers',
      'trigger',
      key,
      base?.triggers,
      ours.triggers,
      theirs.triggers,
      false,
    ),
    policies: mergeChildren(ctx, loc, 'policies', 'policy', key, base?.policies, ours.policies, theirs.policies, false),
  }) as Table;
}

/** mergeView merges a view: attributes, plus the indexes (materialized) and INSTEAD OF triggers by name. */
function mergeView(ctx: MergeCtx, loc: Loc, base: View | undefined, ours: View, theirs: View): View {
  const key = loc.path[loc.path.length - 1]!;
  const attrs = mergeAttrs(ctx, loc, base, ours, theirs, VIEW_CHILDREN);
  const indexes = mergeChildren<Index>(ctx, loc, 'indexes', 'index', key, base?.indexes, ours.indexes, theirs.indexes);
  const triggers = mergeChildren<Trigger>(
    ctx,
    loc,
    'triggers',
    'trigger',
    key,
    base?.triggers,
    ours.triggers,
    theirs.triggers,
    false,
  );
  return withIdentity(ours, {
    ...attrs,
    ...(Object.keys(indexes).length || ours.indexes || theirs.indexes ? { indexes } : {}),
    ...(Object.keys(triggers).length || ours.triggers || theirs.triggers ? { triggers } : {}),
  });
}

/** mergeEnum merges an enum: values (see enum.ts) and its other attributes. */
function mergeEnum(ctx: MergeCtx, loc: Loc, base: EnumType | undefined, ours: EnumType, theirs: EnumType): EnumType {
  const attrs = mergeAttrs(ctx, loc, base, ours, theirs, ['values', 'valueRenames']);
  return withIdentity(ours, { ...attrs, ...mergeEnumValues(ctx, loc, base, ours, theirs) });
}

/** mergeComposite merges a composite type: attributes keyed by name (ours' order, theirs' additions appended). */
function mergeComposite(
  ctx: MergeCtx,
  loc: Loc,
  base: CompositeType | undefined,
  ours: CompositeType,
  theirs: CompositeType,
): CompositeType {
  const key = loc.path[loc.path.length - 1]!;
  const attrs = mergeAttrs(ctx, loc, base, ours, theirs, ['attributes']);
  type Attr = CompositeType['attributes'][number];
  const spec = namedSpec<Attr>('attribute', [...loc.path, 'attributes'], key, plain, false);
  const e = (c: CompositeType | undefined) => (c?.attributes ?? []).map((a) => [a.name, a] as const);
  const attributes = mergeKeyed(ctx, spec, e(base), e(ours), e(theirs)).map(([, a]) => a);
  return withIdentity(ours, { ...attrs, attributes });
}

/** mergeDomain merges a domain: attributes, and its checks by name. */
function mergeDomain(ctx: MergeCtx, loc: Loc, base: Domain | undefined, ours: Domain, theirs: Domain): Domain {
  const key = loc.path[loc.path.length - 1]!;
  const attrs = mergeAttrs(ctx, loc, base, ours, theirs, ['checks']);
  const checks = mergeChildren<DomainCheck>(
    ctx,
    loc,
    'checks',
    'check',
    key,
    base?.checks,
    ours.checks,
    theirs.checks,
    false,
  );
  return withIdentity(ours, { ...attrs, checks });
}

/** mergeSequence merges a sequence; its options merge option by option. */
function mergeSequence(
  ctx: MergeCtx,
  loc: Loc,
  base: Sequence | undefined,
  ours: Sequence,
  theirs: Sequence,
): Sequence {
  const attrs = mergeAttrs(ctx, loc, base, ours, theirs, ['options']);
  const options = compact(mergeAttrs(ctx, loc, base?.options, ours.options, theirs.options));
  return withIdentity(ours, { ...attrs, options });
}

/** SECTIONS holds one merger per Schema section; a section without a merger is a compile error. */
export const SECTIONS: Record<Section, SectionMerger> = {
  extensions: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        { what: 'extension', prefix: ['extensions'], display: (k) => `extension ${k}`, merge: plain },
        entries(b.extensions),
        entries(o.extensions),
        entries(t.extensions),
      ),
    ),
  schemas: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        { what: 'schema', prefix: ['schemas'], display: (k) => `schema ${k}`, merge: plain },
        entries(b.schemas),
        entries(o.schemas),
        entries(t.schemas),
      ),
    ),
  enums: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        qualifiedSpec<EnumType>('enums', 'enum', mergeEnum),
        entries(b.enums),
        entries(o.enums),
        entries(t.enums),
      ),
    ),
  composites: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        qualifiedSpec<CompositeType>('composites', 'type', mergeComposite, false),
        entries(b.composites),
        entries(o.composites),
        entries(t.composites),
      ),
    ),
  domains: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        qualifiedSpec<Domain>('domains', 'domain', mergeDomain, false),
        entries(b.domains),
        entries(o.domains),
        entries(t.domains),
      ),
    ),
  sequences: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        qualifiedSpec<Sequence>('sequences', 'sequence', mergeSequence, false),
        entries(b.sequences),
        entries(o.sequences),
        entries(t.sequences),
      ),
    ),
  tables: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        qualifiedSpec<Table>('tables', 'table', mergeTable),
        entries(b.tables),
        entries(o.tables),
        entries(t.tables),
      ),
    ),
  views: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        qualifiedSpec<View>('views', 'view', mergeView),
        entries(b.views),
        entries(o.views),
        entries(t.views),
      ),
    ),
  functions: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        { what: 'function', prefix: ['functions'], display: (k) => `function ${k}`, merge: plain },
        entries(b.functions),
        entries(o.functions),
        entries(t.functions),
      ),
    ),
  objects: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        { what: 'object', prefix: ['objects'], display: (k) => k, merge: plain },
        entries(b.objects ?? {}),
        entries(o.objects ?? {}),
        entries(t.objects ?? {}),
      ),
    ),
  unmanaged: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        { what: 'unmanaged object', prefix: ['unmanaged'], display: (k) => `unmanaged ${k}`, merge: plain },
        entries(b.unmanaged ?? {}),
        entries(o.unmanaged ?? {}),
        entries(t.unmanaged ?? {}),
      ),
    ),
  defaultPrivileges: (ctx, b, o, t) =>
    record(
      mergeKeyed(
        ctx,
        {
          what: 'default privileges',
          prefix: ['default_privileges'],
          display: (k) => `default privileges ${k}`,
          merge: plain,
        },
        entries(b.defaultPrivileges),
        entries(o.defaultPrivileges),
        entries(t.defaultPrivileges),
      ),
    ),
};

/**
 * Per-kind mergers: one object merger per section of the Schema (a Record over the sections of
 * model/sections.ts, so a new section fails to compile until it has a merger), and the table merger that walks
 * the table parts (columns, keys, indexes, triggers, policies).
 */
import type {
  Column,
  CompositeType,
  Domain,
  DomainCheck,
  EnumType,
  PrimaryKey,
  Schema,
  Sequence,
  Table,
  View,
} from '../model/types.js';
import { parseQid, qid, splitId } from '../model/ids.js';
import {
  describeObject,
  KEYED_PART_KINDS,
  SECTION_FACTS,
  sectionObjects,
  TABLE_PARTS,
  VIEW_PART_KINDS,
  type KeyedPartField,
  type KeyedPartKind,
  type SectionFacts,
  type SectionField,
} from '../model/sections.js';
import { mergeEnumValues } from './enum.js';
import { mergeAttrs, mergeKeyed, type Entries, type KeyedSpec, type Loc, type MergeCtx } from './keyed.js';
import { compact } from './util.js';

/** SectionObject is the type of one object of section S. */
type SectionObject<S extends SectionField> = NonNullable<Schema[S]>[string];

const entries = <T>(r: Readonly<Record<string, T>> | undefined): Entries<T> => Object.entries(r ?? {});
const record = <T>(e: Entries<T>): Record<string, T> => Object.fromEntries(e);

/** qualifiedKey resolves a `renamed_from` hint of a schema-qualified object to a key (`old` in the object's schema, or `s.old`). */
function qualifiedKey(obj: { schema: string; renamedFrom?: string }): string | undefined {
  if (obj.renamedFrom === undefined) return undefined;
  const parts = splitId(obj.renamedFrom);
  if (!parts || parts.length > 2) return undefined;
  return parts.length === 2 ? qid(parts[0]!, parts[1]!) : qid(obj.schema, parts[0]!);
}

/** qualifiedRenames are the KeyedSpec hooks of a schema-qualified, renamable kind (`renamed_from` may name another schema). */
function qualifiedRenames<T extends { schema: string; name: string; renamedFrom?: string }>(): Pick<
  KeyedSpec<T>,
  'oldKey' | 'nameOf' | 'withKey'
> {
  return {
    oldKey: (obj: T) => qualifiedKey(obj),
    nameOf: (obj: T) => obj.name,
    withKey: (obj: T, key: string, renamedFrom: string | undefined) => {
      const q = parseQid(key)!;
      return compact({ ...obj, schema: q.schema, name: q.name, renamedFrom }) as T;
    },
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
  inheritedNotValid: 'attr',
  keyNames: 'attr',
  rowLevelSecurity: 'attr',
  forceRowLevelSecurity: 'attr',
  partitionBy: 'attr',
  partitionOf: 'attr',
  inherits: 'attr',
  unlogged: 'attr',
  tablespace: 'attr',
  with: 'attr',
  replicaIdentity: 'attr',
  replicaIdentityIndex: 'attr',
  clusterOn: 'attr',
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
  withNoData: 'attr',
  columns: 'attr',
  options: 'attr',
  indexes: 'child',
  triggers: 'child',
  columnComments: 'attr',
  columnDefaults: 'attr',
  columnGrants: 'attr',
  comment: 'attr',
  dependsOnExtensions: 'attr',
  grants: 'attr',
  tablespace: 'attr',
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
  return compact({
    kind: 'table',
    schema: ours.schema,
    name: ours.name,
    renamedFrom: ours.renamedFrom,
    ...attrs,
    columns,
    primaryKey: pk,
    ...mergeParts(ctx, loc, KEYED_PART_KINDS, base as PartMaps | undefined, ours as PartMaps, theirs as PartMaps),
  }) as unknown as Table;
}

/** Named is a part kept in a map by name. */
type Named = { name: string; renamedFrom?: string };
/** PartMaps is a table or view as far as its keyed parts go. */
type PartMaps = Partial<Record<KeyedPartField, Readonly<Record<string, Named>>>>;

/** mergeParts merges the keyed parts `kinds` of a table or view, each by its registry facts (noun, renamable). */
function mergeParts(
  ctx: MergeCtx,
  loc: Loc,
  kinds: readonly KeyedPartKind[],
  base: PartMaps | undefined,
  ours: PartMaps,
  theirs: PartMaps,
): Partial<Record<KeyedPartField, Record<string, Named>>> {
  const key = loc.path[loc.path.length - 1]!;
  const out: Partial<Record<KeyedPartField, Record<string, Named>>> = {};
  for (const k of kinds) {
    const { field, noun, renamable } = TABLE_PARTS[k];
    out[field] = mergeChildren(ctx, loc, field, noun, key, base?.[field], ours[field], theirs[field], renamable);
  }
  return out;
}

/** mergeView merges a view: attributes, plus the indexes (materialized) and INSTEAD OF triggers by name. */
function mergeView(ctx: MergeCtx, loc: Loc, base: View | undefined, ours: View, theirs: View): View {
  const attrs = mergeAttrs(ctx, loc, base, ours, theirs, VIEW_CHILDREN);
  const parts = Object.entries(
    mergeParts(ctx, loc, VIEW_PART_KINDS, base as PartMaps | undefined, ours as PartMaps, theirs as PartMaps),
  ) as [keyof View, object][];
  // a view keeps a part map only when it has parts or a side wrote one
  return withIdentity(ours, {
    ...attrs,
    ...Object.fromEntries(parts.filter(([f, m]) => Object.keys(m).length || ours[f] || theirs[f])),
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

/** ObjectMerger merges three versions of one object of section S (identity aside). */
type ObjectMerger<S extends SectionField> = KeyedSpec<SectionObject<S>>['merge'];

/** OBJECT_MERGERS holds one object merger per Schema section; a section without one is a compile error. */
const OBJECT_MERGERS: { readonly [S in SectionField]: ObjectMerger<S> } = {
  extensions: plain,
  schemas: plain,
  enums: mergeEnum,
  composites: mergeComposite,
  domains: mergeDomain,
  sequences: mergeSequence,
  tables: mergeTable,
  views: mergeView,
  functions: plain,
  objects: plain,
  unmanaged: plain,
  defaultPrivileges: plain,
};

/** sectionSpec is the KeyedSpec of a section: objects named by its noun, renames followed where its kind has them. */
function sectionSpec<S extends SectionField>(s: S): KeyedSpec<SectionObject<S>> {
  const facts: SectionFacts = SECTION_FACTS[s];
  const spec: KeyedSpec<SectionObject<S>> = {
    what: facts.noun || 'object',
    prefix: [s],
    display: (key) => describeObject(s, key),
    merge: OBJECT_MERGERS[s],
  };
  if (!facts.renamable) return spec;
  type Q = { schema: string; name: string; renamedFrom?: string };
  return { ...spec, ...(qualifiedRenames<Q>() as unknown as Partial<KeyedSpec<SectionObject<S>>>) };
}

/** mergeSection merges one section of three schemas (an absent optional section merges as empty). */
export function mergeSection(ctx: MergeCtx, s: SectionField, b: Schema, o: Schema, t: Schema): Record<string, unknown> {
  const e = (x: Schema) => entries(sectionObjects(x, s));
  return record(mergeKeyed(ctx, sectionSpec(s), e(b), e(o), e(t)));
}

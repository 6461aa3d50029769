/**
 * The one registry of schema sections (the object maps of a Schema) and table parts (the children of a Table).
 * Every place that walks sections or parts — the parser's accepted keys, the YAML writer, the canonical form and
 * the store's `model/<section>/` blobs, the three-way merge and its file layout, the edge closure of partial
 * verification, the differ — reads its facts here instead of spelling the list out. Both tables are Records over
 * a closed key set, so a new Schema field or table-part kind does not compile until it has its facts.
 */
import type { ChangeKind, TablePartKind } from './changes.js';
import type { Schema, Table, View } from './types.js';

/** SectionField is one object map of a Schema, by its model field (`defaultPrivileges`). */
export type SectionField = Exclude<keyof Schema, 'kind'>;

/** SectionFacts is what the pipeline needs to know about one section. */
export interface SectionFacts {
  /** yaml: the section's top-level key in the YAML files (`default_privileges`). */
  readonly yaml: string;
  /** kind: the ChangeKind of its objects. */
  readonly kind: ChangeKind;
  /** noun: how a message names one of its objects before the id; '' when the id names its own kind (`publication p`). */
  readonly noun: string;
  /** yamlList: written as a list of objects that carry their own names, not as a map keyed by id. */
  readonly yamlList: boolean;
  /** qualified: ids are schema-qualified (`billing.invoices`; `public` objects unqualified). */
  readonly qualified: boolean;
  /** renamable: a `renamed_from` hint renames its objects (a RenameChange kind). */
  readonly renamable: boolean;
  /** optional: the field may be absent from a Schema (absent = empty). */
  readonly optional: boolean;
  /**
   * closure: how a partial proof (pg/closure.ts) takes the section: `whole` (few, cheap, everything may depend on
   * them, or nothing to build: unmanaged objects), `node` (objects the edge touches and their dependencies).
   */
  readonly closure: 'whole' | 'node' | 'none';
}

/**
 * SECTION_FACTS holds every section's facts, in canonical order (the order of the hash, of YAML files, of merges).
 * Keys are Schema fields: a missing or extra one is a compile error.
 */
export const SECTION_FACTS = {
  extensions: fact('extensions', 'extension', 'extension', { yamlList: true, closure: 'whole' }),
  schemas: fact('schemas', 'namespace', 'schema', { yamlList: true, closure: 'whole' }),
  enums: fact('enums', 'enum', 'enum', { qualified: true, renamable: true }),
  composites: fact('composites', 'composite', 'composite type', { qualified: true }),
  domains: fact('domains', 'domain', 'domain', { qualified: true }),
  sequences: fact('sequences', 'sequence', 'sequence', { qualified: true }),
  tables: fact('tables', 'table', 'table', { qualified: true, renamable: true }),
  views: fact('views', 'view', 'view', { qualified: true, renamable: true }),
  functions: fact('functions', 'function', 'function', { qualified: true }),
  objects: fact('objects', 'sql_object', '', { optional: true }),
  unmanaged: fact('unmanaged', 'unmanaged', 'unmanaged', { optional: true, closure: 'whole' }),
  defaultPrivileges: fact('default_privileges', 'default_privilege', 'default privileges', {
    yamlList: true,
    optional: true,
    closure: 'whole',
  }),
} as const satisfies Readonly<Record<SectionField, SectionFacts>>;

function fact<Y extends string, K extends ChangeKind>(
  yaml: Y,
  kind: K,
  noun: string,
  o: Partial<Omit<SectionFacts, 'yaml' | 'kind' | 'noun'>> = {},
) {
  return {
    yaml,
    kind,
    noun,
    yamlList: o.yamlList ?? false,
    qualified: o.qualified ?? false,
    renamable: o.renamable ?? false,
    optional: o.optional ?? false,
    closure: o.closure ?? 'node',
  } as const;
}

/** SECTIONS lists the section fields in canonical order. */
export const SECTIONS: readonly SectionField[] = Object.keys(SECTION_FACTS) as SectionField[];

/** SectionYaml is a section's YAML key. */
export type SectionYaml = (typeof SECTION_FACTS)[SectionField]['yaml'];

/** YAML_SECTIONS lists the sections' YAML keys in canonical order (the top-level keys a schema file may have). */
export const YAML_SECTIONS: readonly SectionYaml[] = SECTIONS.map((s) => SECTION_FACTS[s].yaml);

/** sectionOfYaml maps a top-level YAML key to its section field (undefined for an unknown key). */
export function sectionOfYaml(key: string): SectionField | undefined {
  return SECTIONS.find((s) => SECTION_FACTS[s].yaml === key);
}

/** SectionKind is the ChangeKind of a section's objects. */
export type SectionKind = (typeof SECTION_FACTS)[SectionField]['kind'];

/** sectionObjects returns a section's map of a schema (an absent optional section reads as empty). */
export function sectionObjects<S extends SectionField>(
  schema: Schema,
  s: S,
): Readonly<Record<string, NonNullable<Schema[S]>[string]>> {
  return (schema[s] ?? {}) as Readonly<Record<string, NonNullable<Schema[S]>[string]>>;
}

/** describeObject names an object of a section for people: `composite type billing.money`, `publication p`. */
export function describeObject(s: SectionField, id: string): string {
  const noun = SECTION_FACTS[s].noun;
  return noun ? `${noun} ${id}` : id;
}

/** TableField is a field of a Table that holds parts. */
export type TablePartField = 'columns' | 'primaryKey' | KeyedPartField;

/** KeyedPartField is a Table field holding a map of named parts (constraints other than the primary key, indexes...). */
export type KeyedPartField = {
  [F in keyof Table]-?: NonNullable<Table[F]> extends Readonly<Record<string, { readonly name: string }>> ? F : never;
}[keyof Table];

/** TablePartFacts is what the pipeline needs to know about one kind of table part. */
export interface TablePartFacts {
  /** field: where a Table holds the parts (`foreignKeys`). */
  readonly field: TablePartField;
  /** yaml: the table's key for them in the YAML files (`foreign_keys`). */
  readonly yaml: string;
  /** noun: how a message names one (`foreign key`, `unique constraint`). */
  readonly noun: string;
  /** renamable: a `renamed_from` hint renames it (a RenameChange kind). */
  readonly renamable: boolean;
  /** constraint: a named table constraint besides the primary key (renamed with RENAME CONSTRAINT). */
  readonly constraint: boolean;
  /** onViews: views (materialized ones, or INSTEAD OF triggers) have them too, in a View field of the same name. */
  readonly onViews: boolean;
}

/** TABLE_PARTS holds every table part's facts, in table order (the order of the YAML writer, diffs and merges). */
export const TABLE_PARTS = {
  column: part('columns', 'columns', 'column', { renamable: true }),
  primary_key: part('primaryKey', 'primary_key', 'primary key', { renamable: true }),
  unique: part('uniques', 'unique', 'unique constraint', { renamable: true, constraint: true }),
  check: part('checks', 'checks', 'check constraint', { renamable: true, constraint: true }),
  foreign_key: part('foreignKeys', 'foreign_keys', 'foreign key', { renamable: true, constraint: true }),
  exclusion: part('exclusions', 'exclusions', 'exclusion constraint', { renamable: true, constraint: true }),
  index: part('indexes', 'indexes', 'index', { renamable: true, onViews: true }),
  trigger: part('triggers', 'triggers', 'trigger', { onViews: true }),
  policy: part('policies', 'policies', 'policy'),
} as const satisfies Readonly<Record<TablePartKind, TablePartFacts>>;

type PartFlags = Partial<Pick<TablePartFacts, 'renamable' | 'constraint' | 'onViews'>>;
/** Flag is a flag's literal type (`true` only when set), so types can be derived from TABLE_PARTS. */
type Flag<O extends PartFlags, K extends keyof PartFlags> = O[K] extends true ? true : false;

function part<F extends TablePartField, Y extends string, const O extends PartFlags = {}>(
  field: F,
  yaml: Y,
  noun: string,
  o: O = {} as O,
) {
  return {
    field,
    yaml,
    noun,
    renamable: (o.renamable ?? false) as Flag<O, 'renamable'>,
    constraint: (o.constraint ?? false) as Flag<O, 'constraint'>,
    onViews: (o.onViews ?? false) as Flag<O, 'onViews'>,
  };
}

/** TABLE_PART_KINDS lists the table-part kinds in table order. */
export const TABLE_PART_KINDS: readonly TablePartKind[] = Object.keys(TABLE_PARTS) as TablePartKind[];

/** TABLE_PART_FIELDS lists the Table fields that hold parts, in table order. */
export const TABLE_PART_FIELDS: readonly TablePartField[] = TABLE_PART_KINDS.map((k) => TABLE_PARTS[k].field);

/** KeyedPartKind is a part kind held in a map of named parts. */
export type KeyedPartKind = Exclude<TablePartKind, 'column' | 'primary_key'>;

/** KEYED_PART_KINDS lists the kinds held in maps of named parts, in table order. */
export const KEYED_PART_KINDS = TABLE_PART_KINDS.filter(
  (k): k is KeyedPartKind => k !== 'column' && k !== 'primary_key',
);

/** KEYED_PART_FIELDS lists the Table fields holding named parts in maps (all but columns and the primary key). */
export const KEYED_PART_FIELDS: readonly KeyedPartField[] = KEYED_PART_KINDS.map((k) => TABLE_PARTS[k].field);

/** ConstraintKind is a named table constraint other than the primary key. */
export type ConstraintKind = {
  [K in TablePartKind]: (typeof TABLE_PARTS)[K]['constraint'] extends true ? K : never;
}[TablePartKind];

/** CONSTRAINT_KINDS lists the constraint kinds in table order. */
export const CONSTRAINT_KINDS = TABLE_PART_KINDS.filter((k) => TABLE_PARTS[k].constraint) as ConstraintKind[];

/** ViewPartKind is a part kind views have too. */
export type ViewPartKind = {
  [K in TablePartKind]: (typeof TABLE_PARTS)[K]['onViews'] extends true ? K : never;
}[TablePartKind];

/** VIEW_PART_KINDS lists the part kinds views have too (their View fields are named like the Table ones). */
export const VIEW_PART_KINDS = TABLE_PART_KINDS.filter((k) => TABLE_PARTS[k].onViews) as ViewPartKind[];

/** partField is the Table field of a part kind, typed (`foreign_key` -> `foreignKeys`). */
export function partField<K extends TablePartKind>(k: K): (typeof TABLE_PARTS)[K]['field'] {
  return TABLE_PARTS[k].field;
}

/** Every ChangeKind is a section's kind or a table part's: a kind that is neither does not compile here. */
const _everyKindPlaced: Readonly<Record<Exclude<ChangeKind, SectionKind | TablePartKind>, never>> = {};
void _everyKindPlaced;
/** View fields of view parts exist under the same names (a renamed View field breaks this line). */
const _viewPartsOnViews: ReadonlyArray<keyof View> = VIEW_PART_KINDS.map((k) => TABLE_PARTS[k].field);
void _viewPartsOnViews;

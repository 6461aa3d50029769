/**
 * The schemaver model: plain, readonly data describing a PostgreSQL schema.
 * Nothing in src/model does I/O. Every object carries a `kind` tag.
 *
 * Conventions
 * - Object ids ("qualified names") are built by `qid(schema, name)` in ./ids.ts: `public` objects
 *   are written unqualified (`users`), others `billing.invoices`; parts that need it are
 *   double-quoted SQL-style (`"Weird.Name"`). Maps in the model are keyed by these ids.
 * - Types are stored in PostgreSQL's `format_type` spelling (`integer`, `character varying(20)`,
 *   `timestamp with time zone`, `numeric(10,2)`, `text[]`); user types by id (`order_status`,
 *   `billing.money_amount`).
 * - SQL expressions (defaults, checks, index predicates, view queries, function bodies) are text.
 *   Equality of expressions is decided by PostgreSQL: compare models read back from a database.
 * - Optional attributes are omitted (never `undefined`-valued) in canonical form; `null` is not used
 *   except where stated. Booleans that default to false are omitted when false.
 */

import type { SqlObject, Unmanaged } from './objects.js';

/** Schema is one whole database schema: the unit that is snapshotted, hashed, diffed and merged. */
export interface Schema {
  readonly kind: 'schema';
  readonly extensions: Readonly<Record<string, Extension>>; // keyed by extension name
  readonly schemas: Readonly<Record<string, Namespace>>; // keyed by schema name; `public` is implicit and never listed
  readonly enums: Readonly<Record<string, EnumType>>;
  readonly composites: Readonly<Record<string, CompositeType>>;
  readonly domains: Readonly<Record<string, Domain>>;
  readonly sequences: Readonly<Record<string, Sequence>>;
  readonly tables: Readonly<Record<string, Table>>;
  readonly views: Readonly<Record<string, View>>; // plain and materialized
  readonly functions: Readonly<Record<string, Func>>; // keyed by funcId(): `name(argtypes)`
  /** objects: definition objects (aggregates, rules, publications...) keyed by `<kind> <name>` (./objects.ts). */
  readonly objects?: Readonly<Record<string, SqlObject>>;
  /** unmanaged: objects the model cannot express, kept by name so they pass through untouched (./objects.ts). */
  readonly unmanaged?: Readonly<Record<string, Unmanaged>>;
  /** defaultPrivileges: ALTER DEFAULT PRIVILEGES entries keyed by defaultPrivilegeId(); absent = none. */
  readonly defaultPrivileges?: Readonly<Record<string, DefaultPrivilege>>;
}

/**
 * Grants maps a grantee role (`public` = PUBLIC) to its privileges on an object: lower-case names sorted
 * (`select`, `usage`...), `all` when the grantee holds every privilege of the object's class, a trailing `*`
 * marking WITH GRANT OPTION (`select*`). The owner's own default privileges are implicit and never listed.
 * Present, it is the whole ACL (for functions and types that includes `public: [execute]` / `[usage]`);
 * absent, the object has PostgreSQL's default ACL. A map equal to the default is normalised away.
 */
export type Grants = Readonly<Record<string, readonly string[]>>;

/** DefaultPrivilege is one `ALTER DEFAULT PRIVILEGES FOR ROLE role [IN SCHEMA schema] ... ON <on>` entry. */
export interface DefaultPrivilege {
  readonly kind: 'default_privilege';
  readonly role: string;
  /** schema: IN SCHEMA; omitted = every schema (then `grants` is the whole default ACL, as for objects). */
  readonly schema?: string;
  readonly on: 'tables' | 'sequences' | 'functions' | 'types' | 'schemas';
  readonly grants: Grants;
}

/** Extension is a `CREATE EXTENSION`. */
export interface Extension {
  readonly kind: 'extension';
  readonly name: string;
  readonly schema?: string; // omitted = default schema chosen by PostgreSQL
  readonly version?: string;
  readonly comment?: string;
}

/** Namespace is a PostgreSQL schema (`CREATE SCHEMA`). */
export interface Namespace {
  readonly kind: 'namespace';
  readonly name: string;
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
}

/** EnumType is `CREATE TYPE ... AS ENUM`; value order matters. */
export interface EnumType {
  readonly kind: 'enum';
  readonly schema: string;
  readonly name: string;
  readonly values: readonly string[];
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
  readonly renamedFrom?: string;
  /** valueRenames maps new value -> old value (from `{ value: x, renamed_from: y }` in YAML). */
  readonly valueRenames?: Readonly<Record<string, string>>;
}

/** CompositeType is `CREATE TYPE ... AS (attr type, ...)`. */
export interface CompositeType {
  readonly kind: 'composite';
  readonly schema: string;
  readonly name: string;
  /** attributes: in order; comment: COMMENT ON COLUMN type.attribute. */
  readonly attributes: readonly {
    readonly name: string;
    readonly type: string;
    readonly collation?: string;
    readonly comment?: string;
  }[];
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
}

/** Domain is `CREATE DOMAIN`. */
export interface Domain {
  readonly kind: 'domain';
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean; // false = NOT NULL
  /**
   * notNullName: the name of the domain's NOT NULL constraint (`CONSTRAINT name NOT NULL`), when it is not PostgreSQL's
   * own (`<domain>_not_null`, which a renamed domain keeps: any name of that form is PostgreSQL's). PostgreSQL 17+
   * records it; 15 and 16 keep no name, so a database of theirs never has one.
   */
  readonly notNullName?: string;
  readonly default?: Default;
  readonly collation?: string;
  /** checks keyed by constraint name (default names as PostgreSQL chooses: `<domain>_check`, `<domain>_check1`...). */
  readonly checks: Readonly<Record<string, DomainCheck>>;
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
}

/** DomainCheck is one CHECK constraint of a domain. */
export interface DomainCheck {
  readonly name: string;
  readonly expression: string; // uses VALUE
  readonly notValid?: boolean;
  /** comment: COMMENT ON CONSTRAINT name ON DOMAIN d. */
  readonly comment?: string;
}

/** Sequence is a free-standing `CREATE SEQUENCE` (identity and serial sequences live on their column). */
export interface Sequence {
  readonly kind: 'sequence';
  readonly schema: string;
  readonly name: string;
  readonly options: SequenceOptions;
  /** ownedBy is `table.column` id (`OWNED BY`), when set. */
  readonly ownedBy?: { readonly table: string; readonly column: string };
  /** unlogged: CREATE UNLOGGED SEQUENCE (PostgreSQL 15+; a serial or identity sequence follows its table instead). */
  readonly unlogged?: boolean;
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
}

/** SequenceOptions are the options of a sequence; omitted fields take PostgreSQL's defaults for the type. */
export interface SequenceOptions {
  readonly type?: string; // smallint | integer | bigint; default bigint
  readonly start?: string; // numbers as decimal strings (bigint range)
  readonly increment?: string;
  readonly min?: string;
  readonly max?: string;
  readonly cache?: string;
  readonly cycle?: boolean;
}

/** Default is a column or domain default: a literal of the column's type, or an SQL expression. */
export type Default =
  | { readonly literal: string | number | boolean } // YAML scalar default; compiled via quoteLiteral
  | { readonly sql: string };

/** Column is one column of a table. Order of `Table.columns` is kept for CREATE TABLE only. */
export interface Column {
  readonly kind: 'column';
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default?: Default;
  /** identity: GENERATED ALWAYS / BY DEFAULT AS IDENTITY, with optional sequence options. */
  readonly identity?: {
    readonly mode: 'always' | 'by_default';
    readonly options?: SequenceOptions;
    /** sequence: the identity sequence's name, in the table's schema, when it is not PostgreSQL's `<table>_<column>_seq`. */
    readonly sequence?: string;
  };
  /** serial: the column is serial/bigserial/smallserial (an owned sequence with nextval default). */
  readonly serial?: boolean;
  /** generated: generated column expression (STORED unless `virtual`). */
  readonly generated?: string;
  /** storage: SET STORAGE other than the type's default (`external` keeps long values uncompressed out of line). */
  readonly storage?: 'plain' | 'external' | 'extended' | 'main';
  /** compression: SET COMPRESSION of the column's long values; omitted = the server's default_toast_compression. */
  readonly compression?: 'pglz' | 'lz4';
  /** statistics: SET STATISTICS target of the column (0-10000); omitted = default_statistics_target. */
  readonly statistics?: number;
  /** options: attribute options (`ALTER COLUMN ... SET (n_distinct = -0.02)`), as PostgreSQL stores them; absent = none. */
  readonly options?: Readonly<Record<string, string>>;
  /** virtual: the generated column is VIRTUAL, computed when read (PostgreSQL 18); omitted = STORED. */
  readonly virtual?: boolean;
  readonly collation?: string;
  /**
   * inherited: the column is an INHERITS parent's, not the table's own (PostgreSQL's attislocal false); listed on the
   * child only for what the child sets on it itself (a default other than the parent's, a comment). Never on a
   * partition, whose listed columns are all the parent's.
   */
  readonly inherited?: boolean;
  /** grants: column privileges (select, insert, update, references) by grantee. */
  readonly grants?: Grants;
  /** sequenceGrants: the ACL of a serial or identity column's own sequence (`GRANT USAGE ON SEQUENCE t_id_seq`). */
  readonly sequenceGrants?: Grants;
  /** sequenceComment: COMMENT ON SEQUENCE of an identity column's own sequence. */
  readonly sequenceComment?: string;
  readonly comment?: string;
  /**
   * notNull: the column's NOT NULL constraint, which PostgreSQL 18 keeps in pg_constraint, when it is more than
   * `nullable: false` under PostgreSQL's own name: a name of its own, NOT VALID, NO INHERIT or a comment. Only on a
   * NOT NULL column; absent = a plain NOT NULL (or none).
   */
  readonly notNull?: NotNullConstraint;
  readonly renamedFrom?: string;
  /** convertUsing: YAML `using:`, how a type change converts the old values (`USING` expression); a hint like renamedFrom, not identity. */
  readonly convertUsing?: string;
}

/**
 * NotNullConstraint is a column's named NOT NULL constraint (PostgreSQL 18). `name` is always set: PostgreSQL's own
 * `<table>_<column>_not_null` when none was declared. A name ending in `_not_null` (PostgreSQL's form, which it keeps
 * through renames) is part of the model only beside one of the other attributes.
 */
export interface NotNullConstraint {
  readonly name: string;
  /** notValid: NOT VALID: rows are not checked yet (ALTER TABLE ... VALIDATE CONSTRAINT checks them). */
  readonly notValid?: boolean;
  /** noInherit: NO INHERIT: inheritance children and partitions do not get it. */
  readonly noInherit?: boolean;
  readonly comment?: string;
}

/** pgNotNullName tells whether a not-null constraint's name has the form PostgreSQL gives its own (`..._not_null`, `..._not_null1`). */
export function pgNotNullName(name: string): boolean {
  return /_not_null\d*$/.test(name);
}

/** ConstraintTiming is DEFERRABLE / INITIALLY DEFERRED. */
export interface ConstraintTiming {
  readonly deferrable?: boolean;
  readonly initiallyDeferred?: boolean;
}

/** PrimaryKey of a table; name defaults to `<table>_pkey`. */
export interface PrimaryKey extends ConstraintTiming {
  readonly kind: 'primary_key';
  readonly name: string;
  readonly columns: readonly string[];
  /** withoutOverlaps: the last column is a range compared WITHOUT OVERLAPS (a temporal key, PostgreSQL 18). */
  readonly withoutOverlaps?: boolean;
  readonly include?: readonly string[];
  /** with: storage parameters of the constraint's index (`fillfactor`), as PostgreSQL stores them. */
  readonly with?: Readonly<Record<string, string>>;
  readonly comment?: string;
  /** indexComment: COMMENT ON INDEX of the index the constraint owns (under the constraint's name); apart from its own comment. */
  readonly indexComment?: string;
  readonly renamedFrom?: string;
}

/** UniqueConstraint is a UNIQUE table constraint (not a unique index). */
export interface UniqueConstraint extends ConstraintTiming {
  readonly kind: 'unique';
  readonly name: string;
  readonly columns: readonly string[];
  /** withoutOverlaps: the last column is a range compared WITHOUT OVERLAPS (a temporal key, PostgreSQL 18). */
  readonly withoutOverlaps?: boolean;
  readonly nullsNotDistinct?: boolean;
  readonly include?: readonly string[];
  /** with: storage parameters of the constraint's index (`fillfactor`), as PostgreSQL stores them. */
  readonly with?: Readonly<Record<string, string>>;
  readonly comment?: string;
  /** indexComment: COMMENT ON INDEX of the index the constraint owns (under the constraint's name); apart from its own comment. */
  readonly indexComment?: string;
  readonly renamedFrom?: string;
}

/** CheckConstraint is a table CHECK constraint. */
export interface CheckConstraint {
  readonly kind: 'check';
  readonly name: string;
  readonly expression: string;
  readonly noInherit?: boolean;
  readonly notValid?: boolean;
  /** notEnforced: NOT ENFORCED (PostgreSQL 18): kept in the catalog, never checked; such a constraint is never validated, so `notValid` is omitted. */
  readonly notEnforced?: boolean;
  readonly comment?: string;
  readonly renamedFrom?: string;
}

/** FkAction is a referential action. */
export type FkAction = 'no_action' | 'restrict' | 'cascade' | 'set_null' | 'set_default';

/** ForeignKey is a FOREIGN KEY table constraint. */
export interface ForeignKey extends ConstraintTiming {
  readonly kind: 'foreign_key';
  readonly name: string;
  readonly columns: readonly string[];
  readonly refTable: string; // table id
  readonly refColumns: readonly string[];
  /** period: the last column and referenced column are `PERIOD` ranges (a temporal foreign key, PostgreSQL 18). */
  readonly period?: boolean;
  readonly onDelete?: FkAction; // omitted = no_action
  /** onDeleteColumns: the columns ON DELETE SET NULL / SET DEFAULT sets (`SET NULL (author_id)`); omitted = all. */
  readonly onDeleteColumns?: readonly string[];
  readonly onUpdate?: FkAction;
  readonly match?: 'simple' | 'full'; // omitted = simple
  readonly notValid?: boolean;
  /** notEnforced: NOT ENFORCED (PostgreSQL 18): no triggers check the rows; such a key is never validated, so `notValid` is omitted. */
  readonly notEnforced?: boolean;
  readonly comment?: string;
  readonly renamedFrom?: string;
}

/** ExclusionConstraint is an EXCLUDE constraint. */
export interface ExclusionConstraint extends ConstraintTiming {
  readonly kind: 'exclusion';
  readonly name: string;
  readonly using: string; // access method, e.g. gist
  readonly elements: readonly {
    readonly column?: string;
    readonly expression?: string;
    readonly opclass?: string;
    /** opclassParams: the operator class's parameters (`siglen`), as PostgreSQL stores them; only with `opclass`. */
    readonly opclassParams?: Readonly<Record<string, string>>;
    readonly operator: string;
  }[];
  readonly where?: string;
  readonly include?: readonly string[];
  /** with: storage parameters of the constraint's index (`fillfactor`), as PostgreSQL stores them. */
  readonly with?: Readonly<Record<string, string>>;
  readonly comment?: string;
  readonly renamedFrom?: string;
}

/** IndexElement is one key of an index: a column or an expression, with ordering options. */
export interface IndexElement {
  readonly column?: string;
  readonly expression?: string;
  readonly collation?: string;
  readonly opclass?: string;
  /** opclassParams: the operator class's parameters (`tsvector_ops (siglen = 100)`), as PostgreSQL stores them; only with `opclass`. */
  readonly opclassParams?: Readonly<Record<string, string>>;
  readonly order?: 'desc'; // omitted = asc
  readonly nulls?: 'first' | 'last'; // omitted = the default for the order
  /**
   * statistics: the statistics target of an expression key (`ALTER INDEX ... ALTER COLUMN n SET STATISTICS`, 0 to
   * 10000); omitted = the default. PostgreSQL takes none on a plain column key (the table column's own applies).
   */
  readonly statistics?: number;
}

/** Index is a CREATE INDEX (indexes backing PK/UNIQUE/EXCLUDE constraints are not listed). */
export interface Index {
  readonly kind: 'index';
  readonly name: string;
  readonly unique?: boolean;
  readonly using?: string; // omitted = btree
  readonly elements: readonly IndexElement[];
  readonly include?: readonly string[];
  readonly where?: string;
  readonly with?: Readonly<Record<string, string>>; // storage parameters
  readonly nullsNotDistinct?: boolean;
  /** tablespace: TABLESPACE of the index; omitted = the database's default. */
  readonly tablespace?: string;
  /**
   * local: a partition's index of the definition of an index of its parent that is not attached to it (the parent's
   * index has its own copy, or another index, attached on the partition beside it); omitted = a partition's index of
   * a parent index's definition is the one attached to it.
   */
  readonly local?: boolean;
  readonly comment?: string;
  /**
   * dependsOnExtensions: the extensions this object is marked as depending on (`ALTER ... DEPENDS ON EXTENSION`):
   * dropping one drops the object. Omitted = none.
   */
  readonly dependsOnExtensions?: readonly string[];
  readonly renamedFrom?: string;
}

/** TriggerEvent is an event that fires a trigger. */
export type TriggerEvent = 'insert' | 'update' | 'delete' | 'truncate';

/** Trigger is a CREATE [CONSTRAINT] TRIGGER on a table or view. */
export interface Trigger extends ConstraintTiming {
  readonly kind: 'trigger';
  readonly name: string;
  readonly timing: 'before' | 'after' | 'instead_of';
  readonly events: readonly TriggerEvent[];
  readonly updateOf?: readonly string[];
  readonly forEach: 'row' | 'statement';
  readonly function: string; // function id without args: `touch_updated_at`, `audit.log_change`
  readonly args?: readonly string[];
  readonly when?: string;
  readonly constraint?: boolean;
  readonly referencing?: { readonly oldTable?: string; readonly newTable?: string };
  readonly enabled?: 'origin' | 'disabled' | 'replica' | 'always'; // omitted = origin (enabled)
  readonly comment?: string;
  /**
   * dependsOnExtensions: the extensions this object is marked as depending on (`ALTER ... DEPENDS ON EXTENSION`):
   * dropping one drops the object. Omitted = none.
   */
  readonly dependsOnExtensions?: readonly string[];
}

/** Policy is a row-level security policy. */
export interface Policy {
  readonly kind: 'policy';
  readonly name: string;
  readonly command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  readonly permissive: boolean;
  readonly roles: readonly string[]; // ['public'] when omitted in YAML
  readonly using?: string;
  readonly withCheck?: string;
  readonly comment?: string;
}

/** Partitioning is `PARTITION BY strategy (key)`. */
export interface Partitioning {
  readonly strategy: 'range' | 'list' | 'hash';
  readonly key: string; // as pg_get_partkeydef prints it after the strategy, e.g. `created_at` or `lower(name)`
}

/** Table is a CREATE TABLE with everything that hangs off it. */
export interface Table {
  readonly kind: 'table';
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly Column[];
  readonly primaryKey?: PrimaryKey;
  readonly uniques: Readonly<Record<string, UniqueConstraint>>;
  readonly checks: Readonly<Record<string, CheckConstraint>>;
  readonly foreignKeys: Readonly<Record<string, ForeignKey>>;
  readonly exclusions: Readonly<Record<string, ExclusionConstraint>>;
  readonly indexes: Readonly<Record<string, Index>>;
  readonly triggers: Readonly<Record<string, Trigger>>;
  readonly policies: Readonly<Record<string, Policy>>;
  readonly rowLevelSecurity?: boolean;
  readonly forceRowLevelSecurity?: boolean;
  readonly partitionBy?: Partitioning;
  /** partitionOf: this table is a partition of `parent` (table id) with bound text, e.g. `FOR VALUES FROM (1) TO (10)` or `DEFAULT`. */
  readonly partitionOf?: { readonly parent: string; readonly bound: string };
  readonly inherits?: readonly string[];
  /**
   * inheritedNotValid: checks this partition or child inherits whose copy here is NOT VALID (sorted names): its parent's
   * NOT VALID check added after it existed, as Rails' validate: false does. Otherwise a copy is validated, as a
   * partition or child made after its parent's check has it (a valid parent check has valid copies only).
   */
  readonly inheritedNotValid?: readonly string[];
  /**
   * keyNames: of a partition, the names of its copies of the parent's primary key and unique constraints (the keys
   * attached to them) that are not PostgreSQL's own (`<partition>_pkey`, `<partition>_<columns>_key`): a table that
   * had its own key and was then attached keeps that key's name. By the parent constraint's name; absent = defaults.
   */
  readonly keyNames?: Readonly<Record<string, string>>;
  /** with: storage parameters (`fillfactor`, `autovacuum_vacuum_scale_factor`, `toast.autovacuum_enabled`...) as PostgreSQL stores them. */
  readonly with?: Readonly<Record<string, string>>;
  /** replicaIdentity: REPLICA IDENTITY other than DEFAULT; `index` uses replicaIdentityIndex. */
  readonly replicaIdentity?: 'full' | 'nothing' | 'index';
  readonly replicaIdentityIndex?: string;
  /** clusterOn: the index `ALTER TABLE ... CLUSTER ON` marked (pg_index.indisclustered): a plain index or a key's or exclusion's index. */
  readonly clusterOn?: string;
  readonly unlogged?: boolean;
  /** tablespace: TABLESPACE of the table (of a partitioned table: its partitions' default); omitted = the database's default. */
  readonly tablespace?: string;
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
  readonly renamedFrom?: string;
}

/** View is a CREATE VIEW or CREATE MATERIALIZED VIEW. */
export interface View {
  readonly kind: 'view';
  readonly schema: string;
  readonly name: string;
  readonly query: string;
  readonly materialized?: boolean;
  /**
   * withNoData: a materialized view not populated (`CREATE … WITH NO DATA`, `REFRESH … WITH NO DATA`;
   * pg_class.relispopulated false): creating it runs no query, reading it fails until it is refreshed.
   */
  readonly withNoData?: boolean;
  readonly columns?: readonly string[]; // explicit column names, when given
  readonly options?: Readonly<Record<string, string>>; // security_barrier, check_option, security_invoker...
  /** indexes on a materialized view. */
  readonly indexes?: Readonly<Record<string, Index>>;
  readonly triggers?: Readonly<Record<string, Trigger>>; // INSTEAD OF triggers on views
  readonly columnComments?: Readonly<Record<string, string>>;
  /** columnDefaults: `ALTER VIEW … ALTER COLUMN … SET DEFAULT` per column (plain views only: an INSERT through the view gets them). */
  readonly columnDefaults?: Readonly<Record<string, Default>>;
  /** columnGrants: column privileges (`GRANT SELECT (c) ON v TO r`) per column, as a table column's `grants`. */
  readonly columnGrants?: Readonly<Record<string, Grants>>;
  /** tablespace: TABLESPACE of a materialized view; omitted = the database's default. */
  readonly tablespace?: string;
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
  /** dependsOnExtensions: a materialized view's marks (`ALTER MATERIALIZED VIEW ... DEPENDS ON EXTENSION`), as an index's. */
  readonly dependsOnExtensions?: readonly string[];
  readonly renamedFrom?: string;
}

/** Func is a CREATE FUNCTION or CREATE PROCEDURE. */
export interface Func {
  readonly kind: 'function';
  readonly schema: string;
  readonly name: string;
  /** args is the argument list as pg_get_function_arguments prints it: `a integer, b text DEFAULT 'x'::text`. */
  readonly args: string;
  /** identityArgs is the identity argument list exactly as pg_get_function_identity_arguments prints it (names kept, OUT included, typmods dropped); part of the id. */
  readonly identityArgs: string;
  readonly returns: string; // `trigger`, `integer`, `SETOF text`, `TABLE(a integer, b text)`; `void` for procedures
  readonly procedure?: boolean;
  readonly language: string;
  readonly body: string;
  readonly volatility?: 'immutable' | 'stable'; // omitted = volatile
  readonly strict?: boolean;
  readonly securityDefiner?: boolean;
  readonly leakproof?: boolean;
  readonly parallel?: 'safe' | 'restricted'; // omitted = unsafe
  readonly cost?: string;
  readonly rows?: string;
  readonly set?: Readonly<Record<string, string>>; // SET config = value
  /** support: the planner support function (`SUPPORT name`), as a qualified id unless in pg_catalog or public. */
  readonly support?: string;
  /** grants: the object's ACL (see Grants); absent = PostgreSQL's default. */
  readonly grants?: Grants;
  /** owner: the owning role, when the project manages it (absent = not managed). */
  readonly owner?: string;
  readonly comment?: string;
  /** dependsOnExtensions: the routine's marks (`ALTER FUNCTION ... DEPENDS ON EXTENSION`), as an index's. */
  readonly dependsOnExtensions?: readonly string[];
}

/** emptySchema returns a Schema with no objects. */
export function emptySchema(): Schema {
  return {
    kind: 'schema',
    extensions: {},
    schemas: {},
    enums: {},
    composites: {},
    domains: {},
    sequences: {},
    tables: {},
    views: {},
    functions: {},
  };
}

/** emptyTable returns a table with no columns, constraints, indexes, triggers or policies. */
export function emptyTable(schema: string, name: string): Table {
  return {
    kind: 'table',
    schema,
    name,
    columns: [],
    uniques: {},
    checks: {},
    foreignKeys: {},
    exclusions: {},
    indexes: {},
    triggers: {},
    policies: {},
  };
}

/** assertNever makes a missing case in an exhaustive switch a compile error. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

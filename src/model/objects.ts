/**
 * Definition objects and unmanaged objects: the long tail of PostgreSQL objects, kept with one shape.
 *
 * A definition object (`objects:` in YAML) is an object whose whole state PostgreSQL can print as one CREATE text:
 * aggregates, range types, rules, event triggers, publications, statistics objects, collations, foreign-data
 * wrappers, servers, user mappings, foreign tables, operators, operator families and classes, casts, text search
 * dictionaries, configurations, parsers and templates, and procedural languages. Its identity is `<kind> <name>` (the name as SQL, so `DROP <KIND> <name>` drops
 * it); its definition is the CREATE text as the catalog reader rebuilds it from PostgreSQL's catalog. A changed
 * definition is planned as DROP + CREATE (none of these kinds holds data), and proven like every other step. The
 * GRANTs of those that take privileges (foreign tables and their columns, range types, aggregates, foreign-data
 * wrappers, servers, languages) follow the CREATE in the text; a change of them alone is planned as GRANT/REVOKE.
 *
 * An unmanaged object (`unmanaged:` in YAML) is anything else the model cannot express (a GRANT, a storage
 * setting...): kept by name with a fingerprint of its state so it passes through untouched when it is the same on
 * both sides, and a loud, named error when it changes.
 */

/** SQL_OBJECT_KINDS maps each definition-object kind to the keyword its DROP statement uses. */
export const SQL_OBJECT_KINDS = {
  aggregate: 'AGGREGATE',
  'range type': 'TYPE',
  rule: 'RULE',
  'event trigger': 'EVENT TRIGGER',
  publication: 'PUBLICATION',
  statistics: 'STATISTICS',
  collation: 'COLLATION',
  'foreign data wrapper': 'FOREIGN DATA WRAPPER',
  server: 'SERVER',
  'user mapping': 'USER MAPPING',
  'foreign table': 'FOREIGN TABLE',
  operator: 'OPERATOR',
  'operator family': 'OPERATOR FAMILY',
  'operator class': 'OPERATOR CLASS',
  cast: 'CAST',
  'text search dictionary': 'TEXT SEARCH DICTIONARY',
  'text search configuration': 'TEXT SEARCH CONFIGURATION',
  'text search parser': 'TEXT SEARCH PARSER',
  'text search template': 'TEXT SEARCH TEMPLATE',
  language: 'LANGUAGE',
} as const;

/** SqlObjectKind is one kind of definition object. */
export type SqlObjectKind = keyof typeof SQL_OBJECT_KINDS;

/**
 * EARLY_KINDS are created before tables and dropped after them (columns, indexes and functions can use them);
 * every other kind is created after everything else and dropped before anything else.
 */
export const EARLY_KINDS: ReadonlySet<SqlObjectKind> = new Set<SqlObjectKind>([
  'range type',
  'collation',
  'foreign data wrapper',
  'server',
  'user mapping',
  'operator',
  'operator family',
  'operator class',
  'cast',
  'text search dictionary',
  'text search configuration',
  'text search parser',
  'text search template',
  'language',
]);

/** SqlObject is one definition object: its kind, its SQL name, and its CREATE text (statements joined by `;\n`). */
export interface SqlObject {
  readonly kind: 'sql_object';
  readonly type: SqlObjectKind;
  /** name: the identity as SQL, e.g. `my_sum(integer)`, `r1 ON users`, `(text AS mood)`, `FOR app SERVER s1`. */
  readonly name: string;
  readonly sql: string;
}

/** Unmanaged is an object the model cannot express, kept by name with a fingerprint of its state. */
export interface Unmanaged {
  readonly kind: 'unmanaged';
  /** what: the object, e.g. `privileges (GRANT) on users`, `REPLICA IDENTITY of table orders`. */
  readonly what: string;
  /** state: PostgreSQL's text for its state (empty when the name says everything). */
  readonly state: string;
}

/** sqlObjectKey is the key of a definition object in `Schema.objects` and in YAML: `<kind> <name>`. */
export function sqlObjectKey(type: SqlObjectKind, name: string): string {
  return `${type} ${name}`;
}

/** splitSqlObjectKey reads `<kind> <name>` back (the longest kind that prefixes the key), or undefined. */
export function splitSqlObjectKey(key: string): { type: SqlObjectKind; name: string } | undefined {
  const kinds = (Object.keys(SQL_OBJECT_KINDS) as SqlObjectKind[]).sort((a, b) => b.length - a.length);
  for (const k of kinds) {
    if (key.length > k.length + 1 && key.startsWith(k + ' ')) {
      const name = key.slice(k.length + 1).trim();
      if (name) return { type: k, name };
    }
  }
  return undefined;
}

/** changedUnmanaged names the unmanaged objects that differ between two schemas (added, removed or changed). */
export function changedUnmanaged(
  a: { readonly unmanaged?: Readonly<Record<string, Unmanaged>> },
  b: { readonly unmanaged?: Readonly<Record<string, Unmanaged>> },
): string[] {
  const ua = a.unmanaged ?? {};
  const ub = b.unmanaged ?? {};
  const out: string[] = [];
  for (const k of new Set([...Object.keys(ua), ...Object.keys(ub)])) {
    const x = ua[k];
    const y = ub[k];
    if (x && y && x.state === y.state) continue;
    out.push(`${k}${!x ? ' (added)' : !y ? ' (removed)' : ` (changed: ${x.state} -> ${y.state})`}`);
  }
  return out.sort();
}

/**
 * Which built-in type changes PostgreSQL can convert with a plain `USING col::new_type`: the casts of pg_cast between
 * built-in types (read from PostgreSQL 18's catalog, leaving out the bytea <-> integer casts older servers lack),
 * plus the I/O conversion every type has to and from the string types. A change outside this table needs the
 * column's `using:` expression; the planner never writes a cast that fails at deploy time.
 */

/** BUILTIN lists the base types this table knows; a change involving any other type is left to PostgreSQL. */
const BUILTIN = new Set([
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'real',
  'double precision',
  'money',
  'boolean',
  'date',
  'time without time zone',
  'time with time zone',
  'timestamp without time zone',
  'timestamp with time zone',
  'interval',
  'uuid',
  'json',
  'jsonb',
  'bytea',
  'inet',
  'cidr',
  'macaddr',
  'bit',
  'bit varying',
  'point',
  'xml',
  'oid',
  '"char"',
]);

/** STRINGS convert to and from every type through its text form. */
const STRINGS = new Set(['text', 'character varying', 'character', 'name', 'citext']);

const CASTS = new Set(
  (
    '"char">integer|bigint>bit|bigint>double precision|bigint>integer|bigint>money|bigint>numeric|bigint>oid|' +
    'bigint>real|bigint>smallint|bit>bigint|bit>bit varying|bit>integer|bit varying>bit|boolean>integer|cidr>inet|' +
    'date>timestamp with time zone|date>timestamp without time zone|double precision>bigint|' +
    'double precision>integer|double precision>numeric|double precision>real|double precision>smallint|inet>cidr|' +
    'integer>"char"|integer>bigint|integer>bit|integer>boolean|integer>double precision|integer>money|' +
    'integer>numeric|integer>oid|integer>real|integer>smallint|interval>time without time zone|json>jsonb|' +
    'jsonb>bigint|jsonb>boolean|jsonb>double precision|jsonb>integer|jsonb>json|jsonb>numeric|jsonb>real|' +
    'jsonb>smallint|money>numeric|numeric>bigint|numeric>double precision|numeric>integer|numeric>money|' +
    'numeric>real|numeric>smallint|oid>bigint|oid>integer|real>bigint|real>double precision|real>integer|' +
    'real>numeric|real>smallint|smallint>bigint|smallint>double precision|smallint>integer|smallint>numeric|' +
    'smallint>oid|smallint>real|time with time zone>time without time zone|time without time zone>interval|' +
    'time without time zone>time with time zone|timestamp with time zone>date|' +
    'timestamp with time zone>time with time zone|timestamp with time zone>time without time zone|' +
    'timestamp with time zone>timestamp without time zone|timestamp without time zone>date|' +
    'timestamp without time zone>time without time zone|timestamp without time zone>timestamp with time zone'
  ).split('|'),
);

/** baseType drops a type modifier (`numeric(10,2)` -> `numeric`, `timestamp(3) with time zone` -> with time zone). */
function baseType(t: string): string {
  return t
    .replace(/\(\d+(?:,\s*\d+)?\)/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** castKnownMissing tells whether PostgreSQL has no cast from built-in type `a` to `b` (false when it cannot tell). */
export function castKnownMissing(a: string, b: string): boolean {
  if (a.endsWith('[]') || b.endsWith('[]')) return castKnownMissing(a.replace(/\[\]$/, ''), b.replace(/\[\]$/, ''));
  const x = baseType(a);
  const y = baseType(b);
  if (x === y || STRINGS.has(x) || STRINGS.has(y)) return false;
  if (!BUILTIN.has(x) || !BUILTIN.has(y)) return false;
  return !CASTS.has(`${x}>${y}`);
}

/** Sections other than `tables:`: extensions, schemas, enums, composites, domains, sequences (views in views.ts, functions in functions.ts). */
import { normalizeCollation, normalizeType } from '../canon/types.js';
import type {
  CompositeType,
  Domain,
  EnumType,
  Extension,
  Func,
  Namespace,
  Sequence,
  Trigger,
  View,
} from '../model/types.js';
import { pgNotNullName } from '../model/types.js';
import { STANDARD_PUBLIC_OWNER, STANDARD_PUBLIC_SCHEMA } from '../model/privileges.js';
import { makeObjectName } from '../canon/names.js';
import { KEYS } from './keys.js';
import { readGrants, readOwner } from './grants.js';
import type { Ctx, Keyed, Node } from './node.js';
import {
  isNull,
  mapOrNothing,
  readBool,
  readDefault,
  readExpr,
  readName,
  readSeqOptions,
  readText,
  splitRef,
  type ParsedId,
  refuseNullableNotNull,
  refusePgNotNullName,
} from './common.js';
import { undef, type Draft, type DraftIndex, type Mutable } from './drafts.js';

/** Defined is a parsed object with the node that names it. */
export interface Defined<T> {
  obj: T;
  at: Node;
}

/** DraftDomain is a domain whose check names may be missing. */
export type DraftDomain = Omit<Mutable<Domain>, 'checks'> & {
  checks: { name?: string; expression: string; notValid?: boolean; comment?: string; at: Node }[];
  at: Node;
  typeAt: Node;
};

/** DraftSequence is a sequence with its `owned_by` still unresolved. */
export type DraftSequence = Mutable<Sequence> & { at: Node; ownedAt?: Node; ownedParts?: string[] };

/** DraftView is a view whose indexes may be unnamed. */
export type DraftView = Omit<Mutable<View>, 'indexes' | 'triggers'> & {
  indexes: DraftIndex[];
  triggers: Draft<Trigger>[];
  at: Node;
};

/** DraftFunc is a function with its location. */
export type DraftFunc = Mutable<Func> & { at: Node; declaredArgs?: { text: string; at: Node } };

/** eachListed walks a list of names or `{ name, ... }` maps, or a map name -> attributes. */
function eachListed(
  ctx: Ctx,
  n: Node,
  what: string,
  f: (nameNode: Node, name: string, attrs: Keyed | undefined) => void,
  keys: readonly string[],
): void {
  if (isNull(n)) return;
  if (n.t === 'seq') {
    for (const item of n.items) {
      if (item.t === 'map') {
        const k = ctx.keys(item, keys, what);
        const nameE = k.get('name');
        if (!nameE) {
          ctx.error('missing-key', item, `an entry of ${what} needs \`name\``);
          continue;
        }
        const name = ctx.name(nameE.value, 'name');
        if (name !== undefined) f(nameE.value, name, k);
      } else {
        const name = ctx.name(item, `an entry of ${what}`);
        if (name !== undefined) f(item, name, undefined);
      }
    }
  } else if (n.t === 'map') {
    for (const e of n.entries) {
      const name = ctx.name(e.keyNode, `an entry of ${what}`);
      if (name === undefined) continue;
      if (isNull(e.value)) f(e.keyNode, name, undefined);
      else {
        const m = ctx.map(e.value, `${what} \`${name}\``);
        if (m)
          f(
            e.keyNode,
            name,
            ctx.keys(
              m,
              keys.filter((x) => x !== 'name'),
              `${what} \`${name}\``,
            ),
          );
      }
    }
  } else ctx.error('wrong-type', n, `${what} must be a list of names or a map`);
}

/** parseExtensions reads `extensions:`. */
export function parseExtensions(ctx: Ctx, n: Node, add: (name: string, at: Node, e: Extension) => void): void {
  eachListed(
    ctx,
    n,
    '`extensions`',
    (at, name, k) => {
      const e: Mutable<Extension> = { kind: 'extension', name };
      if (k) {
        e.schema = readText(ctx, k, 'schema');
        e.version = readText(ctx, k, 'version');
        e.comment = readText(ctx, k, 'comment');
      }
      add(name, at, undef(e));
    },
    KEYS.extension,
  );
}

/** parseSchemas reads `schemas:`. */
export function parseSchemas(ctx: Ctx, n: Node, add: (name: string, at: Node, s: Namespace) => void): void {
  eachListed(
    ctx,
    n,
    '`schemas`',
    (at, name, k) => {
      // `public` always exists: it is listed only to manage its privileges (model/privileges.ts STANDARD_PUBLIC_SCHEMA),
      // its comment (absent: PostgreSQL's 'standard public schema'; '' for none at all) or its owner (absent:
      // pg_database_owner)
      if (name === 'public' && !k?.get('grants') && !k?.get('comment') && !k?.get('owner'))
        return ctx.error(
          'invalid-value',
          at,
          'schema `public` always exists: list it only to manage its privileges, its comment or its owner',
          "remove it from `schemas`, or give it `grants:` (every grant besides the owner's; `public: [usage]` is PostgreSQL's default), `comment:` or `owner:`",
        );
      if (/^pg_/.test(name))
        return ctx.error(
          'invalid-name',
          at,
          `schema name \`${name}\` is reserved (names starting with pg_ belong to the system)`,
        );
      const s: Mutable<Namespace> = { kind: 'namespace', name };
      if (k) s.comment = readText(ctx, k, 'comment');
      if (k) s.grants = readGrants(ctx, k, 'schema', `schema \`${name}\``);
      // `public` listed for its comment alone keeps the standard grants (USAGE for PUBLIC), not the owner's alone
      if (name === 'public' && !k?.get('grants')) s.grants = STANDARD_PUBLIC_SCHEMA.grants;
      if (k) s.owner = readOwner(ctx, k, `schema \`${name}\``);
      // pg_database_owner is the owner `public` has without one declared: the same model either way
      if (name === 'public' && s.owner === STANDARD_PUBLIC_OWNER) delete s.owner;
      add(name, at, undef(s));
    },
    KEYS.schema,
  );
}

/** parseEnum reads one entry of `enums:`. */
export function parseEnum(ctx: Ctx, id: ParsedId, n: Node): EnumType | undefined {
  const what = `enum \`${id.id}\``;
  let valuesNode: Node | undefined = n;
  const e: Mutable<EnumType> = { kind: 'enum', schema: id.schema, name: id.name, values: [] };
  if (n.t === 'map') {
    const k = ctx.keys(n, KEYS.enum, what);
    valuesNode = k.get('values')?.value;
    if (!valuesNode) return (ctx.error('missing-key', n, `${what} needs \`values\``), undefined);
    e.comment = readText(ctx, k, 'comment');
    e.grants = readGrants(ctx, k, 'type', what);
    e.owner = readOwner(ctx, k, what);
    e.renamedFrom = readName(ctx, k, 'renamed_from');
  }
  const seq = ctx.seq(valuesNode, `values of ${what}`);
  if (!seq) return undefined;
  const values: string[] = [];
  const seen = new Map<string, Node>();
  const renames: Record<string, string> = {};
  for (const item of seq.items) {
    let value: string | undefined;
    if (item.t === 'map') {
      const k = ctx.keys(item, KEYS.enumValue, `a value of ${what}`);
      value = readText(ctx, k, 'value');
      if (value === undefined) {
        ctx.error('missing-key', item, `a value of ${what} written as a map needs \`value\``);
        continue;
      }
      const from = readText(ctx, k, 'renamed_from');
      if (from !== undefined) renames[value] = from;
    } else value = ctx.text(item, `a value of ${what}`);
    if (value === undefined) continue;
    if (value === '') ctx.error('invalid-value', item, `${what} has an empty value`);
    else if (new TextEncoder().encode(value).length > 63)
      ctx.error(
        'name-too-long',
        item,
        `enum value \`${value}\` is ${new TextEncoder().encode(value).length} bytes long; PostgreSQL allows at most 63`,
      );
    if (seen.has(value)) {
      ctx.error('duplicate-value', item, `${what} lists \`${value}\` twice`, undefined, seen.get(value));
      continue;
    }
    seen.set(value, item);
    values.push(value);
  }
  if (seq.items.length === 0) ctx.error('empty-enum', seq, `${what} has no values`, 'list at least one value');
  e.values = values;
  if (Object.keys(renames).length) e.valueRenames = renames;
  return undef(e);
}

/** parseComposite reads one entry of `composites:` (`{ attributes: {a: type}, comment }` or just `{a: type}`). */
export function parseComposite(ctx: Ctx, id: ParsedId, n: Node): CompositeType | undefined {
  const what = `composite type \`${id.id}\``;
  const m = ctx.map(n, what);
  if (!m) return undefined;
  const c: Mutable<CompositeType> = { kind: 'composite', schema: id.schema, name: id.name, attributes: [] };
  let attrs = m;
  if (m.entries.some((e) => e.key === 'attributes')) {
    const k = ctx.keys(m, KEYS.composite, what);
    const am = ctx.map(k.get('attributes')!.value, `attributes of ${what}`);
    if (!am) return undefined;
    attrs = am;
    c.comment = readText(ctx, k, 'comment');
    c.grants = readGrants(ctx, k, 'type', what);
    c.owner = readOwner(ctx, k, what);
  }
  const out: Mutable<CompositeType['attributes'][number]>[] = [];
  for (const e of attrs.entries) {
    const name = ctx.name(e.keyNode, `attribute of ${what}`);
    if (name === undefined) continue;
    if (e.value.t === 'map') {
      const k = ctx.keys(e.value, KEYS.compositeAttribute, `attribute \`${name}\``);
      const ty = readText(ctx, k, 'type');
      if (ty === undefined) {
        ctx.error('missing-key', e.value, `attribute \`${name}\` of ${what} needs \`type\``);
        continue;
      }
      ctx.noteSql('type', 'type', ty, k.get('type')!.value);
      const coll = readText(ctx, k, 'collation');
      const comment = readText(ctx, k, 'comment');
      out.push(
        undef({
          name,
          type: normalizeType(ty),
          collation: coll === undefined ? undefined : normalizeCollation(coll),
          comment,
        }),
      );
    } else {
      const ty = ctx.text(e.value, `type of attribute \`${name}\``);
      if (ty !== undefined) ctx.noteSql('type', 'type', ty, e.value);
      if (ty !== undefined) out.push({ name, type: normalizeType(ty) });
    }
  }
  if (out.length === 0 && attrs.entries.length === 0) ctx.error('invalid-value', attrs, `${what} has no attributes`);
  c.attributes = out;
  return undef(c);
}

/**
 * readDomainNotNull reads `not_null: name`, the name of a domain's NOT NULL constraint: it makes the domain NOT NULL.
 * PostgreSQL's own name (`<domain>_not_null`) is the same as `nullable: false`; another name of that form is refused,
 * as PostgreSQL keeps one through renames and schemaver could not tell it from one PostgreSQL chose.
 */
function readDomainNotNull(ctx: Ctx, k: Keyed, d: DraftDomain, what: string): void {
  const e = k.get('not_null');
  if (!e) return;
  const name = ctx.name(e.value, 'not-null constraint name');
  if (name === undefined) return;
  const nullableE = k.get('nullable');
  if (nullableE && d.nullable) return refuseNullableNotNull(ctx, nullableE.value, what);
  d.nullable = false;
  const own = makeObjectName(d.name, undefined, 'not_null');
  if (name === own) return;
  if (pgNotNullName(name)) return refusePgNotNullName(ctx, e.value, what, name, own);
  d.notNullName = name;
}

/** parseDomain reads one entry of `domains:`. */
export function parseDomain(ctx: Ctx, id: ParsedId, at: Node, n: Node): DraftDomain | undefined {
  const what = `domain \`${id.id}\``;
  if (n.t === 'scalar') {
    const ty = ctx.text(n, `type of ${what}`);
    if (ty === undefined) return undefined;
    ctx.noteSql('type', 'type', ty, n);
    return {
      kind: 'domain',
      schema: id.schema,
      name: id.name,
      type: normalizeType(ty),
      nullable: true,
      checks: [],
      at,
      typeAt: n,
    };
  }
  const m = ctx.map(n, what);
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.domain, what);
  const typeE = k.get('type');
  const ty = typeE ? ctx.text(typeE.value, `type of ${what}`) : undefined;
  if (!typeE) ctx.error('missing-key', m, `${what} needs \`type\``);
  if (ty === undefined) return undefined;
  ctx.noteSql('type', 'type', ty, typeE!.value);
  const d: DraftDomain = {
    kind: 'domain',
    schema: id.schema,
    name: id.name,
    type: normalizeType(ty),
    nullable: readBool(ctx, k, 'nullable') ?? true,
    checks: [],
    at,
    typeAt: typeE!.value,
  };
  readDomainNotNull(ctx, k, d, what);
  if (k.has('default')) d.default = readDefault(ctx, k.get('default')!.value);
  const coll = readText(ctx, k, 'collation');
  if (coll !== undefined) d.collation = normalizeCollation(coll);
  d.comment = readText(ctx, k, 'comment');
  d.grants = readGrants(ctx, k, 'type', what);
  d.owner = readOwner(ctx, k, what);
  const one = (v: Node, name: string | undefined): void => {
    if (v.t === 'map') {
      const ck = ctx.keys(v, KEYS.domainCheck, 'a domain check');
      const expression = readExpr(ctx, ck, 'expression');
      if (expression === undefined) return ctx.error('missing-key', v, 'a domain check needs `expression`');
      d.checks.push(
        undef({
          name: name ?? readName(ctx, ck, 'name', 'check name'),
          expression,
          notValid: readBool(ctx, ck, 'not_valid'),
          comment: readText(ctx, ck, 'comment'),
          at: v,
        }),
      );
    } else {
      const expression = ctx.text(v, 'a domain check');
      if (expression?.trim()) ctx.noteSql('expr', 'check', expression.trim(), v);
      if (expression !== undefined) d.checks.push(undef({ name, expression: expression.trim(), at: v }));
    }
  };
  if (k.has('check')) one(k.get('check')!.value, undefined);
  if (k.has('checks')) {
    const cn = k.get('checks')!.value;
    if (cn.t === 'map') {
      for (const e of cn.entries) {
        const name = ctx.name(e.keyNode, 'check name');
        if (name !== undefined) one(e.value, name);
      }
    } else if (cn.t === 'seq') for (const item of cn.items) one(item, undefined);
    else ctx.error('wrong-type', cn, '`checks` must be a map (name: expression) or a list');
  }
  return undef(d);
}

/** parseSequence reads one entry of `sequences:`. */
export function parseSequence(ctx: Ctx, id: ParsedId, at: Node, n: Node): DraftSequence | undefined {
  const m = mapOrNothing(ctx, n, `sequence \`${id.id}\``);
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.sequence, `sequence \`${id.id}\``);
  const s: DraftSequence = {
    kind: 'sequence',
    schema: id.schema,
    name: id.name,
    options: readSeqOptions(ctx, k, true),
    at,
  };
  const owned = k.get('owned_by');
  if (owned && !isNull(owned.value)) {
    const text = ctx.text(owned.value, '`owned_by`');
    const parts = text === undefined ? undefined : splitRef(ctx, owned.value, text, '`owned_by`');
    if (parts && (parts.length < 2 || parts.length > 3))
      ctx.error('invalid-value', owned.value, '`owned_by` must be `table.column`');
    else if (parts) {
      s.ownedParts = parts;
      s.ownedAt = owned.value;
    }
  }
  s.unlogged = readBool(ctx, k, 'unlogged');
  s.comment = readText(ctx, k, 'comment');
  s.grants = readGrants(ctx, k, 'sequence', `sequence \`${id.id}\``);
  s.owner = readOwner(ctx, k, `sequence \`${id.id}\``);
  if (s.owner !== undefined && s.ownedParts)
    ctx.error(
      'invalid-value',
      k.get('owner')!.value,
      `sequence \`${id.id}\` is owned by a table column (\`owned_by\`), so its owner is the table's`,
      'remove `owner` here and declare it on the table',
    );
  return undef(s);
}

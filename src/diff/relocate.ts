/**
 * Relocated extensions: `ALTER EXTENSION e SET SCHEMA s` moves every member of the extension, its types included, so
 * a column, domain or composite attribute typed `old_schema.T` is `new_schema.T` once the extension has moved,
 * without any change of its own. relocateExtensionTypes rewrites the source schema that way before it is diffed, so
 * the move is planned as the one ALTER EXTENSION it is (and not as type changes that fail, or rebuild domains, when
 * the type is no longer where the source said it was).
 */
import { idPart, qid } from '../model/ids.js';
import type { Schema, Table } from '../model/types.js';
import { escapeRe } from './apply.js';

/** Move is one extension's schema change (omitted schema = `public`, as introspection writes it). */
interface Move {
  readonly from: string;
  readonly to: string;
}

/** prefix is how a type of schema `s` is written: unqualified in `public` (the search path types print under). */
const prefix = (s: string): string => (s === 'public' ? '' : `${idPart(s)}.`);

/** BARE finds a type's own name: a plain or quoted identifier, before any modifier or array brackets. */
const BARE = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")(?=$|[[(\s])/;

/**
 * followsMove tells whether type text `a` (the source's) becomes `b` (the target's) by the extension moves alone:
 * the same type name, schema `m.from` there and `m.to` here, and not a type the project itself defines.
 */
function followsMove(a: string, b: string, moves: readonly Move[], defined: (s: string, n: string) => boolean) {
  for (const m of moves) {
    const pa = prefix(m.from);
    const pb = prefix(m.to);
    if (!a.startsWith(pa) || !b.startsWith(pb)) continue;
    const rest = a.slice(pa.length);
    if (rest !== b.slice(pb.length)) continue;
    const bare = BARE.exec(rest)?.[0];
    if (!bare) continue;
    const name = bare.startsWith('"') ? bare.slice(1, -1).replace(/""/g, '"') : bare;
    if (!defined(m.from, name) && !defined(m.to, name)) return true;
  }
  return false;
}

/**
 * relocateExtensionTypes returns `from` with the types of the extensions `to` moves to another schema written where
 * the move puts them, wherever `to` writes them so (columns, domain base types, composite attributes).
 */
export function relocateExtensionTypes(from: Schema, to: Schema): Schema {
  const moves: Move[] = [];
  for (const [name, e] of Object.entries(from.extensions)) {
    const t = to.extensions[name];
    if (t && (e.schema ?? 'public') !== (t.schema ?? 'public'))
      moves.push({ from: e.schema ?? 'public', to: t.schema ?? 'public' });
  }
  if (moves.length === 0) return from;
  const defined = (s: string, n: string): boolean => {
    const id = qid(s, n);
    return [from, to].some((x) => !!(x.enums[id] ?? x.composites[id] ?? x.domains[id] ?? x.tables[id] ?? x.views[id]));
  };
  const follow = (a: string, b: string | undefined): string =>
    b !== undefined && a !== b && followsMove(a, b, moves, defined) ? b : a;
  const tables: Record<string, Table> = {};
  for (const [id, t] of Object.entries(from.tables)) {
    const bt = to.tables[id];
    if (!bt) {
      tables[id] = t;
      continue;
    }
    const columns = followByName(t.columns, bt.columns, follow);
    tables[id] = columns === t.columns ? t : { ...t, columns };
  }
  const domains = Object.fromEntries(
    Object.entries(from.domains).map(([id, d]) => {
      const type = follow(d.type, to.domains[id]?.type);
      return [id, type === d.type ? d : { ...d, type }];
    }),
  );
  const composites = Object.fromEntries(
    Object.entries(from.composites).map(([id, c]) => {
      const attributes = followByName(c.attributes, to.composites[id]?.attributes ?? [], follow);
      return [id, attributes === c.attributes ? c : { ...c, attributes }];
    }),
  );
  const functions = relocateFunctions(from, to, moves, defined);
  return { ...from, tables, domains, composites, functions };
}

/**
 * followByName gives each of `items` (columns, composite attributes) the type `follow` makes of it and of the target's
 * item of the same name; the same array when no type changed.
 */
function followByName<T extends { readonly name: string; readonly type: string }>(
  items: readonly T[],
  target: readonly { readonly name: string; readonly type: string }[],
  follow: (a: string, b: string | undefined) => string,
): readonly T[] {
  const types = new Map(target.map((x) => [x.name, x.type]));
  const out = items.map((x) => {
    const type = follow(x.type, types.get(x.name));
    return type === x.type ? x : { ...x, type };
  });
  return out.some((x, i) => x !== items[i]) ? out : items;
}

/**
 * unqualified writes a routine's argument or result text with the moved schemas' qualifiers taken off the names the
 * project does not define there (the extensions' types), so the two sides of a move read alike.
 */
function unqualified(text: string, moves: readonly Move[], defined: (s: string, n: string) => boolean): string {
  let out = text;
  for (const m of moves)
    for (const s of [m.from, m.to]) {
      if (s === 'public') continue;
      const re = new RegExp(
        `(^|[^A-Za-z0-9_$."])${escapeRe(idPart(s))}\\.([A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")`,
        'g',
      );
      out = out.replace(re, (all, pre: string, n: string) => {
        const name = n.startsWith('"') ? n.slice(1, -1).replace(/""/g, '"') : n;
        return defined(m.from, name) || defined(m.to, name) ? all : `${pre}${n}`;
      });
    }
  return out;
}

/**
 * relocateFunctions keys a routine whose signature names a moved extension's type as the target keys it: after the
 * move it is that routine (ALTER EXTENSION SET SCHEMA moves the type under it), not a new one beside an old one.
 */
function relocateFunctions(
  from: Schema,
  to: Schema,
  moves: readonly Move[],
  defined: (s: string, n: string) => boolean,
): Schema['functions'] {
  const un = (t: string) => unqualified(t, moves, defined);
  const out: Record<string, Schema['functions'][string]> = {};
  let changed = false;
  for (const [id, f] of Object.entries(from.functions)) {
    if (to.functions[id]) {
      out[id] = f;
      continue;
    }
    const args = un(f.identityArgs);
    const match = Object.entries(to.functions).find(
      ([gid, g]) => !from.functions[gid] && g.schema === f.schema && g.name === f.name && un(g.identityArgs) === args,
    );
    if (!match) {
      out[id] = f;
      continue;
    }
    const [gid, g] = match;
    out[gid] = {
      ...f,
      identityArgs: g.identityArgs,
      args: un(f.args) === un(g.args) ? g.args : f.args,
      returns: un(f.returns) === un(g.returns) ? g.returns : f.returns,
    };
    changed = true;
  }
  return changed ? out : from.functions;
}

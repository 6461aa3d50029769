/**
 * Steps for functions and procedures: create, drop (early when its body reads relations that go away, first when
 * a same-signature function replaces it), comment, CREATE OR REPLACE, or drop and re-create.
 */
import type { AlterChange, Change } from '../model/changes.js';
import type { Func } from '../model/types.js';
import { identifiersOf, lexSql, relationNames } from '../diff/sqltext.js';
import { commentOn, createFunction, dropFunction, funcSignature, sqlStandardBody } from '../sql/ddl.js';
import type { SqlObject } from '../model/objects.js';
import { dependsOnSql } from '../sql/marks.js';
import { emit, funcNeedsDrop, PHASE, textKeys, type PlanContext } from './context.js';
import { signatureNames } from './viewfuncs.js';
import { objectReadBy, objectRecreated } from './sqlobjects.js';

/** recreatedOperators lists the operators and aggregates on both sides of the plan that are dropped and created again. */
function recreatedOperators(ctx: PlanContext): SqlObject[] {
  const after = ctx.to.objects ?? {};
  return Object.entries(ctx.from.objects ?? {}).flatMap(([id, o]) =>
    (o.type === 'operator' || o.type === 'aggregate') &&
    after[id] &&
    o.sql !== after[id].sql &&
    objectRecreated(o, after[id])
      ? [after[id]]
      : [],
  );
}

/** keptAggregates lists the aggregates on both sides of the plan (as the target has them). */
function keptAggregates(ctx: PlanContext): SqlObject[] {
  const after = ctx.to.objects ?? {};
  return Object.entries(ctx.from.objects ?? {}).flatMap(([id, o]) =>
    o.type === 'aggregate' && after[id] ? [after[id]] : [],
  );
}

/** remade tells whether routine `f`, dropped here, is made again (the target has the same routine). */
const remade = (ctx: PlanContext, f: Func): boolean =>
  Object.values(ctx.to.functions).some(
    (g) => g.schema === f.schema && g.name === f.name && g.identityArgs === f.identityArgs,
  );

type ObjectChange<K extends Change['kind']> = Extract<Change, { op: 'add' | 'drop' | 'alter'; kind: K }>;

/** planFunction drafts the steps of one added, dropped or altered function. */
export function planFunction(ctx: PlanContext, c: ObjectChange<'function'>, droppedRels: ReadonlySet<string>): void {
  // an SQL body is checked when it is created: the tables it names, with their new columns, come first, and so do
  // those of a table whose row type is an argument or the result (`job que_jobs` read as `job.expired_at`); a PL/pgSQL
  // body's DECLARE sections are resolved then too (a variable of a table's or view's row type, `x t%ROWTYPE`)
  // a parameter's name (`v` of `v numeric`, read in an SQL body as `SELECT v * 2`) is no relation or type of that
  // name: keying it would order the function after a view `v` that calls it (a cycle); `FROM items` is the table
  const requires = (f: Func) => {
    const params = unreadParams(f);
    const own = (keys: string[]) => keys.filter((k) => k.startsWith('fn:') || !params.has(k.slice(k.indexOf(':') + 1)));
    return [
      ...own(textKeys(f.args)),
      ...textKeys(f.returns),
      ...(f.language.toLowerCase() === 'sql'
        ? [
            ...own([...textKeys(f.body), ...colKeys(f.body), ...colKeys(f.args)]),
            ...colKeys(f.returns),
            ...relLiteralKeys(f.body),
          ]
        : []),
      ...(f.language.toLowerCase() === 'plpgsql' ? textKeys(declarations(f.body)) : []),
    ];
  };
  const fid = c.op === 'alter' ? c.to : c.def;
  const provides = [`fn:${fid.name.toLowerCase()}`];
  if (c.op === 'add')
    emit(ctx, {
      phase: PHASE.func,
      what: `create function ${c.id}`,
      object: c.id,
      sql: createFunction(c.def),
      reverse: [dropFunction(c.def)],
      provides,
      requires: requires(c.def),
    });
  else if (c.op === 'drop') {
    emit(ctx, {
      phase: dropPhase(ctx, c.def, droppedRels),
      what: `drop function ${c.id}`,
      object: c.id,
      sql: [dropFunction(c.def)],
      reverse: createFunction(c.def),
      // after a dropped domain whose check calls it, and after dropped definition objects (operators, classes) that do
      requires: [`dropfn:${c.def.name.toLowerCase()}`, `objdrop:${c.def.name.toLowerCase()}`],
      // an SQL-standard body (RETURN ..., BEGIN ATOMIC) depends on the functions it calls: it goes before them
      provides:
        c.def.language.toLowerCase() === 'sql'
          ? [...identifiersOf(c.def.body ?? '')].map((n) => `dropfn:${n.toLowerCase()}`)
          : undefined,
    });
  } else {
    const a = c.from;
    const b = c.to;
    if ((c as AlterChange).attrs.every((x) => x.attr === 'comment' || x.attr === 'dependsOnExtensions'))
      planFunctionInPlace(ctx, c.id, a, b);
    else if (funcNeedsDrop(a, b)) {
      emit(ctx, {
        phase: PHASE.func,
        what: `recreate function ${c.id}`,
        object: c.id,
        sql: [dropFunction(a), ...createFunction(b)],
        reverse: [dropFunction(b), ...createFunction(a)],
        provides,
        requires: requires(b),
      });
    } else {
      const rep = (x: Func, y: Func) => [
        ...createFunction(y, true),
        ...(x.comment !== y.comment && y.comment === undefined
          ? [commentOn(y.procedure ? 'PROCEDURE' : 'FUNCTION', funcSignature(y), undefined)]
          : []),
      ];
      emit(ctx, {
        phase: PHASE.func,
        what: `replace function ${c.id}`,
        object: c.id,
        sql: rep(a, b),
        reverse: rep(b, a),
        provides,
        requires: requires(b),
      });
    }
  }
}

/**
 * dropPhase places the drop of routine `f`: an SQL function over relations that go away before them (its body is
 * checked when re-created on down); an SQL-standard body using an operator or calling an aggregate dropped to be
 * created again before it
 * (atomic.ts); one a same-signature function replaces (its argument names change) before that one is made.
 */
function dropPhase(ctx: PlanContext, f: Func, droppedRels: ReadonlySet<string>): number {
  const early =
    (f.language.toLowerCase() === 'sql' && [...identifiersOf(f.body)].some((n) => droppedRels.has(n))) ||
    [...droppedRels].some((n) => signatureNames(f, n));
  if (early) return PHASE.dropTrigger + 0.5;
  if (sqlStandardBody(f) && recreatedOperators(ctx).some((o) => objectReadBy(o, f.body))) return PHASE.dropTable + 0.4;
  // rebuilt (made again here) around an aggregate it calls, which may be rebuilt around its own state function
  if (sqlStandardBody(f) && remade(ctx, f) && keptAggregates(ctx).some((o) => objectReadBy(o, f.body)))
    return PHASE.dropTable + 0.4;
  const clash = Object.values(ctx.to.functions).some((g) => g !== f && sameSignature(g, f));
  return clash ? PHASE.func - 0.5 : PHASE.dropFunc;
}

/** planFunctionInPlace drafts the change of a routine's comment and marks on extensions (ALTER ... DEPENDS ON). */
function planFunctionInPlace(ctx: PlanContext, id: string, a: Func, b: Func): void {
  const w = b.procedure ? 'PROCEDURE' : 'FUNCTION';
  const comment = (x: Func, y: Func) => (x.comment !== y.comment ? [commentOn(w, funcSignature(y), y.comment)] : []);
  const marks = (x: Func, y: Func) =>
    dependsOnSql(`${w} ${funcSignature(y)}`, x.dependsOnExtensions, y.dependsOnExtensions);
  emit(ctx, {
    phase: PHASE.comment,
    what: `${a.comment !== b.comment ? 'comment on' : 'extension marks of'} function ${id}`,
    object: id,
    sql: [...comment(a, b), ...marks(a, b)],
    reverse: [...comment(b, a), ...marks(b, a)],
  });
}

/**
 * declarations is the text of a PL/pgSQL body's DECLARE sections (each from DECLARE to its BEGIN, nested blocks
 * too), where the variables' types are named; strings, comments and quoted names are the lexer's business.
 */
export function declarations(body: string | undefined): string {
  if (!body) return '';
  const words = lexSql(body).idents.filter((t) => !t.quoted);
  const parts: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i]!.name !== 'declare') continue;
    let j = i + 1;
    while (j < words.length && words[j]!.name !== 'begin') j++;
    parts.push(body.slice(words[i]!.end, j < words.length ? words[j]!.start : body.length));
    i = j;
  }
  return parts.join('\n');
}

/**
 * relLiteralKeys keys the relations a body names in string literals, `nextval('t_id_seq')` or `'t'::regclass`:
 * PostgreSQL resolves a regclass constant when it checks an SQL body, so the relation comes first.
 */
function relLiteralKeys(body: string | undefined): string[] {
  if (!body) return [];
  const out: string[] = [];
  for (const s of lexSql(body).strings) {
    const m = /^(?:[A-Za-z_][\w$]*\.)?"?([A-Za-z_][\w$]*)"?$/.exec(s.value);
    if (m) out.push(`rel:${m[1]!.toLowerCase()}`);
  }
  return out;
}

/** colKeys lists the `cols:` keys (a table's added or altered columns) of the names a text mentions. */
function colKeys(text: string): string[] {
  return [...identifiersOf(text)].map((n) => `cols:${n}`);
}

/** sameSignature tells whether two functions have one name and one list of argument types (names and modes aside). */
function sameSignature(a: Func, b: Func): boolean {
  if (a.schema !== b.schema || a.name !== b.name || !!a.procedure !== !!b.procedure) return false;
  const xs = splitArgs(a.identityArgs);
  const ys = splitArgs(b.identityArgs);
  return xs.length === ys.length && xs.every((x, i) => argTypeOf(x).some((t) => argTypeOf(ys[i]!).includes(t)));
}

/** splitArgs splits an argument list at top-level commas. */
function splitArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of args) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) (out.push(cur.trim()), (cur = ''));
    else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** unreadParams: a routine's parameter names but those its body also names as a relation (`items integer`, `FROM items`). */
function unreadParams(f: Func): ReadonlySet<string> {
  const tables = f.body ? relationNames(f.body) : new Set<string>();
  return new Set([...paramNames(f.args)].filter((p) => !tables.has(p)));
}

/** paramNames lists the lower-cased names of a routine's named parameters (`a integer, OUT b text` -> a, b). */
export function paramNames(args: string): ReadonlySet<string> {
  const out = new Set<string>();
  for (const arg of splitArgs(args)) {
    const t = withoutMode(arg);
    const m = /^(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s+\S/.exec(t);
    if (m) out.add(m[1] !== undefined ? m[1].replace(/""/g, '"').toLowerCase() : m[2]!.toLowerCase());
  }
  return out;
}

/** withoutMode is one argument of a list without its mode (`OUT b text` -> `b text`). */
const withoutMode = (arg: string): string => arg.replace(/^(IN|OUT|INOUT|VARIADIC)\s+/i, '').trim();

/** argTypeOf gives the readings of one argument's type: as written, and without a leading name (mode dropped). */
function argTypeOf(arg: string): string[] {
  const t = withoutMode(arg);
  const m = /^("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s+(.+)$/.exec(t);
  return m ? [t, m[2]!.trim()] : [t];
}

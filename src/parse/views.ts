/** The `views:` section: plain and materialized views, their indexes, triggers, column comments and column defaults. */
import { KEYS } from './keys.js';
import { readGrants, readGrantsNode, readOwner, readTablespace } from './grants.js';
import type { Ctx, Keyed, Node } from './node.js';
import { readBool, readDefault, readExtensionMarks, readName, readText, type ParsedId } from './common.js';
import type { Default, Grants } from '../model/types.js';
import { undef } from './drafts.js';
import { parseIndex } from './table.js';
import { parseTrigger } from './triggers.js';
import type { DraftView } from './objects.js';

/** readWithNoData reads `with_no_data`, which only a materialized view can have. */
function readWithNoData(ctx: Ctx, k: Keyed, v: DraftView, what: string): void {
  if (!readBool(ctx, k, 'with_no_data')) return;
  if (v.materialized) v.withNoData = true;
  else
    ctx.error(
      'invalid-value',
      k.get('with_no_data')!.value,
      `${what} is not materialized and holds no rows, so it cannot be left without data`,
      'remove `with_no_data`, or add `materialized: true`',
    );
}

/** parseView reads one entry of `views:`. */
export function parseView(ctx: Ctx, id: ParsedId, at: Node, n: Node): DraftView | undefined {
  const what = `view \`${id.id}\``;
  if (n.t === 'scalar') {
    const q = ctx.text(n, `query of ${what}`);
    if (q !== undefined) ctx.noteSql('query', 'query', cleanQuery(q), n);
    return q === undefined
      ? undefined
      : { kind: 'view', schema: id.schema, name: id.name, query: cleanQuery(q), indexes: [], triggers: [], at };
  }
  const m = ctx.map(n, what);
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.view, what);
  const q = readText(ctx, k, 'query');
  if (q === undefined) return (ctx.error('missing-key', m, `${what} needs \`query\``), undefined);
  ctx.noteSql('query', 'query', cleanQuery(q), k.get('query')!.value);
  const v: DraftView = {
    kind: 'view',
    schema: id.schema,
    name: id.name,
    query: cleanQuery(q),
    indexes: [],
    triggers: [],
    at,
  };
  v.materialized = readBool(ctx, k, 'materialized');
  readWithNoData(ctx, k, v, what);
  v.tablespace = readTablespace(ctx, k, what);
  if (v.tablespace !== undefined && !v.materialized)
    ctx.error(
      'invalid-value',
      k.get('tablespace')!.value,
      `${what} is not materialized and stores nothing, so it has no tablespace`,
      'remove `tablespace`, or add `materialized: true`',
    );
  if (k.has('columns')) v.columns = ctx.texts(k.get('columns')!.value, '`columns`');
  if (k.has('options')) {
    const om = ctx.map(k.get('options')!.value, '`options`');
    if (om) {
      const o: Record<string, string> = {};
      for (const e of om.entries) {
        const val = ctx.text(e.value, `option \`${e.key}\``);
        if (val !== undefined) o[e.key.toLowerCase()] = val.toLowerCase();
      }
      v.options = o;
    }
  }
  readViewParts(ctx, k, v, what);
  if (k.has('column_comments')) {
    const cm = ctx.map(k.get('column_comments')!.value, '`column_comments`');
    if (cm) {
      const o: Record<string, string> = {};
      for (const e of cm.entries) {
        const val = ctx.text(e.value, `comment of column \`${e.key}\``);
        if (val !== undefined) o[e.key] = val;
      }
      v.columnComments = o;
    }
  }
  readColumnDefaults(ctx, k, v, what);
  if (k.has('column_grants')) {
    const cm = ctx.map(k.get('column_grants')!.value, '`column_grants`');
    if (cm) {
      const o: Record<string, Grants> = {};
      for (const e of cm.entries) {
        const g = readGrantsNode(ctx, e.value, 'column', `column \`${e.key}\` of ${what}`);
        if (g !== undefined) o[e.key] = g;
      }
      if (Object.keys(o).length) v.columnGrants = o;
    }
  }
  v.comment = readText(ctx, k, 'comment');
  v.dependsOnExtensions = readViewMarks(ctx, k, v, what);
  v.grants = readGrants(ctx, k, 'table', what);
  v.owner = readOwner(ctx, k, what);
  v.renamedFrom = readName(ctx, k, 'renamed_from');
  return undef(v);
}

/** cleanQuery trims a query and its trailing semicolons. */
function cleanQuery(q: string): string {
  return q.trim().replace(/[\s;]+$/, '');
}

/** readViewParts reads a view's indexes (materialized views only) and triggers. */
function readViewParts(ctx: Ctx, k: Keyed, v: DraftView, what: string): void {
  const cols = v.columns ?? [];
  if (k.has('indexes')) {
    const e = k.get('indexes')!;
    if (!v.materialized)
      ctx.error(
        'invalid-value',
        e.keyNode,
        `${what} is not materialized; only materialized views have indexes`,
        'add `materialized: true` or move the index to a table',
      );
    const im = e.value;
    const each = (node: Node, name: string | undefined): void => {
      const ix = parseIndex(ctx, node, name, cols, `index of ${what}`);
      if (ix) v.indexes.push(ix);
    };
    if (im.t === 'map') for (const ie of im.entries) each(ie.value, ctx.name(ie.keyNode, 'index name'));
    else if (im.t === 'seq') for (const item of im.items) each(item, undefined);
    else ctx.error('wrong-type', im, '`indexes` must be a map or a list');
  }
  if (k.has('triggers')) {
    const tm = ctx.map(k.get('triggers')!.value, '`triggers`');
    if (tm)
      for (const te of tm.entries) {
        const name = ctx.name(te.keyNode, 'trigger name');
        const tr = name === undefined ? undefined : parseTrigger(ctx, te.value, name, te.keyNode);
        if (tr) v.triggers.push(tr);
      }
  }
}

/** readColumnDefaults reads `column_defaults` (a plain view's only: PostgreSQL keeps none on a materialized view). */
function readColumnDefaults(ctx: Ctx, k: Keyed, v: DraftView, what: string): void {
  if (!k.has('column_defaults')) return;
  const at = k.get('column_defaults')!.value;
  const dm = ctx.map(at, '`column_defaults`');
  if (!dm) return;
  if (v.materialized) {
    ctx.error(
      'invalid-value',
      at,
      `${what} is materialized: PostgreSQL keeps no column defaults on a materialized view`,
      'remove `column_defaults`, or drop `materialized: true` to make it a plain view',
    );
    return;
  }
  const o: Record<string, Default> = {};
  for (const e of dm.entries) {
    const d = readDefault(ctx, e.value);
    if (d !== undefined) o[e.key] = d;
  }
  if (Object.keys(o).length) v.columnDefaults = o;
}

/** readViewMarks reads a materialized view's `depends_on_extensions`; a plain view's is an error (PostgreSQL has none). */
function readViewMarks(ctx: Ctx, k: Keyed, v: DraftView, what: string): string[] | undefined {
  const marks = readExtensionMarks(ctx, k, what);
  if (marks && !v.materialized)
    ctx.error(
      'invalid-value',
      k.get('depends_on_extensions')!.keyNode,
      `${what}: only a materialized view can depend on an extension (ALTER MATERIALIZED VIEW ... DEPENDS ON EXTENSION)`,
      'add `materialized: true`, or remove `depends_on_extensions`',
    );
  return marks;
}

/** Sections `objects:` (definition objects) and `unmanaged:` (objects kept by name): see src/model/objects.ts. */
import { SQL_OBJECT_KINDS, splitSqlObjectKey, sqlObjectKey, type SqlObject, type Unmanaged } from '../model/objects.js';
import type { Ctx, Node, Scalar } from './node.js';

/** parseSqlObject reads one `objects:` entry: key `<kind> <name>`, value the CREATE text. */
export function parseSqlObject(ctx: Ctx, key: Scalar, value: Node): { id: string; obj: SqlObject } | undefined {
  const k = splitSqlObjectKey(String(key.value ?? ''));
  if (!k) {
    ctx.error(
      'unknown-object-kind',
      key,
      `\`${String(key.value)}\` does not start with a kind of object schemaver keeps as a definition`,
      `write \`<kind> <name>\`, where kind is one of: ${Object.keys(SQL_OBJECT_KINDS).join(', ')}`,
    );
    return undefined;
  }
  const sql = ctx.text(value, `the definition of ${k.type} ${k.name}`);
  if (sql === undefined) return undefined;
  if (!/^\s*CREATE\s/i.test(sql)) {
    ctx.error(
      'invalid-definition',
      value,
      `the definition of ${k.type} ${k.name} must be a CREATE statement`,
      `e.g. \`${k.type} ${k.name}: "CREATE ${SQL_OBJECT_KINDS[k.type]} ..."\` (more statements, such as COMMENT ON, may follow)`,
    );
    return undefined;
  }
  const text = sql.trim().replace(/;\s*$/, '');
  return { id: sqlObjectKey(k.type, k.name), obj: { kind: 'sql_object', type: k.type, name: k.name, sql: text } };
}

/** parseUnmanaged reads one `unmanaged:` entry: key the object, value PostgreSQL's text for its state (or empty). */
export function parseUnmanaged(ctx: Ctx, key: Scalar, value: Node): { id: string; obj: Unmanaged } | undefined {
  const what = String(key.value ?? '').trim();
  if (!what) return undefined;
  let state = '';
  if (!(value.t === 'scalar' && value.value === null)) {
    const s = ctx.text(value, `the state of unmanaged ${what}`);
    if (s === undefined) return undefined;
    state = s;
  }
  return { id: what, obj: { kind: 'unmanaged', what, state } };
}

/** The `functions:` section: functions and procedures, keyed by `name` or `name(arg types)`. */
import { argTypes, normalizeFunctionArgs, normalizeReturns } from '../canon/types.js';
import { funcId } from '../model/ids.js';
import { KEYS } from './keys.js';
import { readGrants, readOwner } from './grants.js';
import type { Ctx, Keyed, Node, Scalar } from './node.js';
import { isNull, readBool, readExtensionMarks, readId, readText } from './common.js';
import { undef } from './drafts.js';
import type { DraftFunc } from './objects.js';

/** languageName reads a `language:` as SQL names one: folded to lower case unless double-quoted (`"Odd Lang"`). */
function languageName(text: string): string {
  const t = text.trim();
  return /^"(?:[^"]|"")+"$/.test(t) ? t.slice(1, -1).replace(/""/g, '"') : t.toLowerCase();
}

/** parseFunction reads one entry of `functions:`; the key may be `name` or `name(arg types)`. */
export function parseFunction(ctx: Ctx, key: Scalar, n: Node): { id: string; fn: DraftFunc } | undefined {
  const keyText = ctx.text(key, 'function name');
  if (keyText === undefined) return undefined;
  const paren = /^(.*?)\s*\((.*)\)\s*$/s.exec(keyText);
  const id = readId(ctx, { ...key, value: paren ? paren[1]! : keyText }, 'function name');
  if (!id) return undefined;
  const what = `function \`${keyText}\``;
  const m = ctx.map(n, what);
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.function, what);
  const procedure = readBool(ctx, k, 'procedure');
  const argsE = k.get('args');
  let argsText = '';
  if (argsE && !isNull(argsE.value)) {
    const list = ctx.texts(argsE.value, '`args`');
    if (list) argsText = list.join(', ');
  }
  if (argsText.trim())
    ctx.noteClause(
      'argument list',
      argsText,
      argsE!.value,
      'CREATE FUNCTION f({}) RETURNS void LANGUAGE sql AS $$SELECT 1$$',
      'CreateFunctionStmt',
    );
  const { args, identityArgs } = normalizeFunctionArgs(argsText, !!procedure);
  if (paren && argTypes(paren[2]!) !== argTypes(identityArgs)) {
    ctx.error(
      'invalid-value',
      key,
      `the key says \`${id.name}(${paren[2]})\` but \`args\` gives \`(${argTypes(identityArgs)})\``,
      'make the argument types in the key match `args`, or drop them from the key',
    );
  }
  const returnsRaw = readText(ctx, k, 'returns');
  const body = readText(ctx, k, 'body');
  const language = readText(ctx, k, 'language');
  if ((returnsRaw === undefined && !procedure) || body === undefined || language === undefined) {
    ctx.error(
      'missing-key',
      m,
      `${what} needs ${procedure ? '' : '`returns`, '}` + '`language` and `body`',
      'e.g. `{ args: "", returns: trigger, language: plpgsql, body: "BEGIN ... END" }`',
    );
    return undefined;
  }
  if (!procedure)
    ctx.noteClause(
      'return type',
      returnsRaw!,
      k.get('returns')!.value,
      'CREATE FUNCTION f() RETURNS {} LANGUAGE sql AS $$SELECT 1$$',
      'CreateFunctionStmt',
    );
  const lang = languageName(language);
  // a plpgsql body is compiled against its header (argument names, OUT parameters, trigger variables are its
  // variables), so the validator gets the statement it is pasted into: the body goes at `{}`
  const header = procedure
    ? `CREATE PROCEDURE f(${argsText}) LANGUAGE plpgsql AS {}`
    : `CREATE FUNCTION f(${argsText}) RETURNS ${returnsRaw!} LANGUAGE plpgsql AS {}`;
  ctx.within({ language: lang }, () => ctx.noteBody(body, k.get('body')!.value, header));
  if (procedure && returnsRaw !== undefined && !/^void$/i.test(returnsRaw.trim()))
    ctx.error('invalid-value', k.get('returns')!.value, 'a procedure returns nothing; remove `returns`');
  const fn: DraftFunc = {
    kind: 'function',
    schema: id.schema,
    name: id.name,
    args,
    identityArgs,
    returns: procedure ? 'void' : normalizeReturns(returnsRaw!),
    language: lang,
    body, // verbatim: PostgreSQL keeps a body's whitespace, so an imported function must round-trip exactly
    at: key,
  };
  fn.procedure = procedure;
  readFunctionOptions(ctx, k, fn);
  fn.comment = readText(ctx, k, 'comment');
  fn.dependsOnExtensions = readExtensionMarks(ctx, k, 'a routine');
  fn.grants = readGrants(ctx, k, 'function', what);
  fn.owner = readOwner(ctx, k, what);
  return { id: funcId(id.schema, id.name, identityArgs), fn: undef(fn) };
}

/** readFunctionOptions reads a function's volatility, strict, security, leakproof, parallel, cost, rows, support
 * function and `set`. */
function readFunctionOptions(ctx: Ctx, k: Keyed, fn: DraftFunc): void {
  if (k.has('volatility')) {
    const v = ctx.oneOf(k.get('volatility')!.value, ['immutable', 'stable', 'volatile'] as const, '`volatility`');
    if (v && v !== 'volatile') fn.volatility = v;
  }
  fn.strict = readBool(ctx, k, 'strict');
  fn.securityDefiner = readBool(ctx, k, 'security_definer');
  fn.leakproof = readBool(ctx, k, 'leakproof');
  if (k.has('parallel')) {
    const p = ctx.oneOf(k.get('parallel')!.value, ['safe', 'restricted', 'unsafe'] as const, '`parallel`');
    if (p && p !== 'unsafe') fn.parallel = p;
  }
  if (k.has('cost')) fn.cost = ctx.num(k.get('cost')!.value, '`cost`', 1n);
  if (k.has('rows')) fn.rows = ctx.num(k.get('rows')!.value, '`rows`', 1n);
  // pg_catalog's and public's support functions are named bare, as the catalog reader names them
  fn.support = readText(ctx, k, 'support')?.replace(/^\s*(pg_catalog|public)\s*\.\s*/i, '');
  if (k.has('set')) {
    const sm = ctx.map(k.get('set')!.value, '`set`');
    if (sm) {
      const o: Record<string, string> = {};
      for (const e of sm.entries) {
        const val = ctx.text(e.value, `\`set.${e.key}\``);
        if (val !== undefined) o[e.key.toLowerCase()] = val;
      }
      fn.set = o;
    }
  }
}

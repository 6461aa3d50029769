/** Catalog reader for functions/procedures, triggers and row-level security policies. */
import type { Func, Policy, Trigger, TriggerEvent } from '../../model/types.js';
import { funcId, qid } from '../../model/ids.js';
import { type Ctx, absent, rows, commentOf, inRels, matchParen, notExtMember, unsupported } from './util.js';

interface FuncRow {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  readonly kind: string;
  readonly args: string;
  readonly identity: string;
  readonly result: string | null;
  readonly body: string;
  readonly language: string;
  readonly vol: string;
  readonly strict: boolean;
  readonly secdef: boolean;
  readonly leakproof: boolean;
  readonly parallel: string;
  readonly cost: string;
  readonly rows: string;
  readonly retset: boolean;
  readonly config: string[] | null;
  readonly sqlbody: boolean;
  readonly support: string | null;
  readonly bin: boolean;
}

/** readFunctions reads user functions and procedures; aggregates and window functions are reported unsupported. */
export async function readFunctions(ctx: Ctx): Promise<Record<string, Func>> {
  if (absent(ctx, 'proc')) return {};
  const sqlbody = ctx.version >= 140000 ? 'p.prosqlbody IS NOT NULL' : 'false';
  const list = await rows<FuncRow>(
    ctx,
    `
    SELECT p.oid::text AS oid, n.nspname::text AS schema, p.proname::text AS name, p.prokind::text AS kind,
      pg_get_function_arguments(p.oid) AS args, pg_get_function_identity_arguments(p.oid) AS identity,
      pg_get_function_result(p.oid) AS result, ${ctx.version >= 140000 ? 'CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END' : 'p.prosrc'} AS body, l.lanname::text AS language,
      p.provolatile::text AS vol, p.proisstrict AS strict, p.prosecdef AS secdef, p.proleakproof AS leakproof,
      p.proparallel::text AS parallel, p.procost::text AS cost, p.prorows::text AS rows, p.proretset AS retset,
      p.proconfig::text[] AS config,
      ${sqlbody} AS sqlbody, p.probin IS NOT NULL AS bin,
      (SELECT CASE WHEN sn.nspname IN ('pg_catalog', 'public') THEN quote_ident(s.proname)
         ELSE quote_ident(sn.nspname) || '.' || quote_ident(s.proname) END
       FROM pg_proc s JOIN pg_namespace sn ON sn.oid = s.pronamespace WHERE s.oid = p.prosupport) AS support
    FROM (SELECT * FROM pg_proc WHERE oid >= 16384 AND pronamespace = ANY(${ctx.nsps}) OFFSET 0) p
      JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
    WHERE ${notExtMember('pg_proc', 'p.oid')}
      AND NOT EXISTS (SELECT 1 FROM pg_depend dt WHERE dt.classid = 'pg_proc'::regclass AND dt.objid = p.oid AND dt.deptype = 'i')
    ORDER BY n.nspname, p.proname, 5`,
  );
  const out: Record<string, Func> = {};
  for (const r of list) {
    const id = funcId(r.schema, r.name, r.identity);
    if (r.kind === 'a') continue; // a definition object (./objects.ts)
    if (r.kind === 'w') {
      unsupported(ctx, `window function ${id}`);
      continue;
    }
    if (r.bin) unsupported(ctx, `C-language function ${id}`);
    const fastLang = r.language === 'c' || r.language === 'internal';
    const defCost = fastLang ? '1' : '100';
    const defRows = r.retset ? '1000' : '0';
    const set: Record<string, string> = {};
    for (const c of r.config ?? []) {
      const i = c.indexOf('=');
      // PostgreSQL stores a built-in setting under its own spelling (`DateStyle`); names are case-insensitive and the
      // model keys them in lower case, as the YAML reader does
      set[(i < 0 ? c : c.slice(0, i)).toLowerCase()] = i < 0 ? '' : c.slice(i + 1);
    }
    const comment = commentOf(ctx, 'pg_proc', r.oid);
    out[id] = {
      kind: 'function',
      schema: r.schema,
      name: r.name,
      args: r.args,
      identityArgs: r.identity,
      returns: r.kind === 'p' ? 'void' : (r.result ?? 'void'),
      ...(r.kind === 'p' ? { procedure: true } : {}),
      language: r.language,
      body: r.body, // verbatim: whitespace is part of the source PostgreSQL keeps
      ...(r.vol === 'i'
        ? { volatility: 'immutable' as const }
        : r.vol === 's'
          ? { volatility: 'stable' as const }
          : {}),
      ...(r.strict ? { strict: true } : {}),
      ...(r.secdef ? { securityDefiner: true } : {}),
      ...(r.leakproof ? { leakproof: true } : {}),
      ...(r.parallel === 's'
        ? { parallel: 'safe' as const }
        : r.parallel === 'r'
          ? { parallel: 'restricted' as const }
          : {}),
      ...(r.kind !== 'p' && r.cost !== defCost ? { cost: r.cost } : {}),
      ...(r.kind !== 'p' && r.rows !== defRows ? { rows: r.rows } : {}),
      ...(Object.keys(set).length ? { set } : {}),
      ...(r.support !== null ? { support: r.support } : {}),
      ...(comment !== null ? { comment } : {}),
    };
  }
  return out;
}

/** TriggerRow is one user trigger. */
export interface TriggerRow {
  readonly oid: string;
  readonly rel: string;
  readonly name: string;
  readonly type: number;
  readonly enabled: string;
  readonly fnsp: string;
  readonly fname: string;
  readonly nargs: number;
  readonly args: string;
  readonly update_of: string[];
  readonly has_when: boolean;
  readonly def: string;
  readonly is_constraint: boolean;
  readonly deferrable: boolean;
  readonly deferred: boolean;
  readonly old_table: string | null;
  readonly new_table: string | null;
  readonly has_from: boolean;
  /** clone: a partition's copy of its parent's trigger, read only when it is enabled differently from the parent. */
  readonly clone: boolean;
}

/**
 * readTriggers lists user triggers: internal ones left out, and the clones on partitions too unless one is enabled
 * differently from its parent's trigger (ALTER TABLE partition DISABLE TRIGGER, as pg_dump's measurement_y2006m3):
 * the model cannot say that, so the caller reports it.
 */
export async function readTriggers(ctx: Ctx): Promise<TriggerRow[]> {
  if (absent(ctx, 'trig')) return [];
  const parent =
    ctx.version >= 130000
      ? 'AND (t.tgparentid = 0 OR t.tgenabled <> (SELECT pt.tgenabled FROM pg_trigger pt WHERE pt.oid = t.tgparentid))'
      : '';
  const clone = ctx.version >= 130000 ? 't.tgparentid <> 0' : 'false';
  return rows<TriggerRow>(
    ctx,
    `
    SELECT t.oid::text AS oid, t.tgrelid::text AS rel, t.tgname::text AS name, t.tgtype::int AS type, t.tgenabled::text AS enabled,
      pn.nspname::text AS fnsp, p.proname::text AS fname, t.tgnargs::int AS nargs, encode(t.tgargs, 'hex') AS args,
      array(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) WITH ORDINALITY k(n, ord)
            JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.n ORDER BY k.ord) AS update_of,
      t.tgqual IS NOT NULL AS has_when, pg_get_triggerdef(t.oid, true) AS def,
      t.tgconstraint <> 0 AS is_constraint, t.tgdeferrable AS deferrable, t.tginitdeferred AS deferred,
      t.tgoldtable::text AS old_table, t.tgnewtable::text AS new_table, t.tgconstrrelid <> 0 AS has_from, ${clone} AS clone
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
    WHERE NOT t.tgisinternal ${parent} AND ${inRels(ctx)}
    ORDER BY t.tgrelid, t.tgname`,
  );
}

/** whenOf extracts the WHEN condition from a trigger definition (balanced parentheses, quotes skipped). */
export function whenOf(def: string): string | undefined {
  for (const marker of [' FOR EACH ROW WHEN (', ' FOR EACH STATEMENT WHEN (']) {
    const at = def.indexOf(marker);
    if (at < 0) continue;
    const open = at + marker.length - 1;
    const close = matchParen(def, open);
    if (close > open) return def.slice(open + 1, close).trim();
  }
  return undefined;
}

const ENABLED: Record<string, Trigger['enabled']> = { D: 'disabled', R: 'replica', A: 'always' };

/** triggerOf decodes a trigger row (tgtype bits, arguments, WHEN) into the model. */
export function triggerOf(ctx: Ctx, relId: string, r: TriggerRow): Trigger {
  const t = r.type;
  const timing: Trigger['timing'] = t & 64 ? 'instead_of' : t & 2 ? 'before' : 'after';
  const events: TriggerEvent[] = [];
  if (t & 4) events.push('insert');
  if (t & 16) events.push('update');
  if (t & 8) events.push('delete');
  if (t & 32) events.push('truncate');
  const args = r.nargs > 0 ? Buffer.from(r.args, 'hex').toString('utf8').split('\u0000').slice(0, r.nargs) : [];
  const when = r.has_when ? whenOf(r.def) : undefined;
  if (r.has_when && when === undefined)
    unsupported(ctx, `WHEN condition of trigger ${r.name} on ${relId} (could not read it)`);
  if (r.has_from) unsupported(ctx, `FROM clause of constraint trigger ${r.name} on ${relId}`);
  const referencing = {
    ...(r.old_table !== null ? { oldTable: r.old_table } : {}),
    ...(r.new_table !== null ? { newTable: r.new_table } : {}),
  };
  return {
    kind: 'trigger',
    name: r.name,
    timing,
    events,
    ...(r.update_of.length ? { updateOf: r.update_of } : {}),
    forEach: t & 1 ? 'row' : 'statement',
    function: qid(r.fnsp, r.fname),
    ...(args.length ? { args } : {}),
    ...(when !== undefined ? { when } : {}),
    ...(r.is_constraint ? { constraint: true } : {}),
    ...(r.deferrable ? { deferrable: true } : {}),
    ...(r.deferred ? { initiallyDeferred: true } : {}),
    ...(Object.keys(referencing).length ? { referencing } : {}),
    ...(ENABLED[r.enabled] ? { enabled: ENABLED[r.enabled] } : {}),
    ...(commentOf(ctx, 'pg_trigger', r.oid) !== null ? { comment: commentOf(ctx, 'pg_trigger', r.oid)! } : {}),
  };
}

/** PolicyRow is one row-level security policy. */
export interface PolicyRow {
  readonly oid: string;
  readonly rel: string;
  readonly name: string;
  readonly cmd: string;
  readonly permissive: boolean;
  readonly roles: string[];
  readonly using: string | null;
  readonly check: string | null;
}

/** readPolicies lists the policies of user tables. */
export async function readPolicies(ctx: Ctx): Promise<PolicyRow[]> {
  if (absent(ctx, 'pol')) return [];
  return rows<PolicyRow>(
    ctx,
    `
    SELECT p.oid::text AS oid, p.polrelid::text AS rel, p.polname::text AS name, p.polcmd::text AS cmd, p.polpermissive AS permissive,
      array(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r ORDER BY 1) AS roles,
      pg_get_expr(p.polqual, p.polrelid, true) AS using, pg_get_expr(p.polwithcheck, p.polrelid, true) AS check
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${inRels(ctx)}
    ORDER BY p.polrelid, p.polname`,
  );
}

const POLICY_CMD: Record<string, Policy['command']> = {
  '*': 'all',
  r: 'select',
  a: 'insert',
  w: 'update',
  d: 'delete',
};

/** policyOf decodes a policy row into the model. */
export function policyOf(ctx: Ctx, r: PolicyRow): Policy {
  const comment = commentOf(ctx, 'pg_policy', r.oid);
  return {
    kind: 'policy',
    name: r.name,
    command: POLICY_CMD[r.cmd] ?? 'all',
    permissive: r.permissive,
    roles: r.roles,
    ...(r.using !== null ? { using: r.using } : {}),
    ...(r.check !== null ? { withCheck: r.check } : {}),
    ...(comment !== null ? { comment } : {}),
  };
}

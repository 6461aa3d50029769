/**
 * One schema, one hash: every expression of a model in PostgreSQL's own spelling. A schema written by hand
 * (`CHECK (summary <> '')`), read from a PostgreSQL 15 server (`summary <> ''::text`, views deparsed the old way)
 * or loaded from `pg_dump -s` output says the same thing in different words; the hash and the planner must not
 * see the words. normalizeExpressions builds the schema once in a fresh PGlite (PostgreSQL 18), reads it back and
 * takes PostgreSQL's text for every expression slot (defaults, generated columns, checks, index keys and predicates,
 * exclusions, policies, trigger conditions, partition keys and bounds, view queries, domain defaults and checks,
 * function signatures and bodies, definition objects). Everything else of the model (names, order, rename hints)
 * stays as declared. The result is kept in the cache directory under a key of the declared model's exact JSON, the
 * PGlite version and this schemaver build, so an unchanged schema costs nothing the second time; with it each
 * object's answer under a key of what its spelling depends on (normcache.ts), so an edited schema builds only the
 * objects whose answer is not cached (none at all when every one is). A schema that does not build in PGlite keeps
 * its words (deterministically: the failure is cached too); its proof reports why.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { schemaHash } from '../canon/index.js';
import type { Schema, Table, View, Index, Domain, Func } from '../model/types.js';
import type { SqlObject } from '../model/objects.js';
import { sameValue as same } from '../diff/index.js';
import { codeIdentity, writeCachedReadback } from './readback.js';
import {
  anyNormalization,
  objectPlan,
  type ObjectPlan,
  readNormalization,
  readObjectAnswers,
  inertFreeJson,
  writeNormalization,
  type CachedNormalization,
  type SlotValues,
} from './normcache.js';
import { sharedBuild, type SharedBuild } from './normshare.js';
import { pgliteVersionString } from './weight.js';
import { buildForProof } from './normbuild.js';

export { buildForProof } from './normbuild.js';

export { NORMALIZED_DIR } from './normcache.js';

/** Visit sees one expression slot (a stable id and its value) and returns the value to keep. */
type Visit = (slot: string, value: unknown) => unknown;

/** upd replaces `o[key]` by visit's answer for `slot`, returning `o` itself when nothing changed. */
function upd<T extends object>(o: T, key: keyof T & string, slot: string, visit: Visit): T {
  const v = (o as Record<string, unknown>)[key];
  if (v === undefined) return o;
  const next = visit(slot, v);
  return same(next, v) ? o : { ...o, [key]: next };
}

/** each maps the values of a record through `f`, returning the record itself when no value changed. */
function each<T>(m: Readonly<Record<string, T>> | undefined, f: (k: string, v: T) => T): Record<string, T> | undefined {
  if (!m) return undefined;
  let out: Record<string, T> | undefined;
  for (const [k, v] of Object.entries(m)) {
    const n = f(k, v);
    if (n !== v) (out ??= { ...m })[k] = n;
  }
  return out ?? (m as Record<string, T>);
}

function mapIndex(at: string, ix: Index, visit: Visit): Index {
  return upd(upd(ix, 'where', `${at} where`, visit), 'elements', `${at} elements`, visit);
}

function mapTable(id: string, t: Table, visit: Visit): Table {
  const at = `table ${id}`;
  let columns = t.columns;
  const cols = t.columns.map((c) =>
    upd(
      upd(c, 'default', `${at} column ${c.name} default`, visit),
      'generated',
      `${at} column ${c.name} generated`,
      visit,
    ),
  );
  if (cols.some((c, i) => c !== t.columns[i])) columns = cols;
  let out: Table = columns === t.columns ? t : { ...t, columns };
  const maps = {
    checks: each(t.checks, (k, c) => upd(c, 'expression', `${at} check ${k}`, visit)),
    indexes: each(t.indexes, (k, ix) => mapIndex(`${at} index ${k}`, ix, visit)),
    exclusions: each(t.exclusions, (k, x) =>
      upd(upd(x, 'where', `${at} exclusion ${k} where`, visit), 'elements', `${at} exclusion ${k} elements`, visit),
    ),
    policies: each(t.policies, (k, p) =>
      upd(upd(p, 'using', `${at} policy ${k} using`, visit), 'withCheck', `${at} policy ${k} check`, visit),
    ),
    triggers: each(t.triggers, (k, tr) => upd(tr, 'when', `${at} trigger ${k} when`, visit)),
  };
  for (const [k, v] of Object.entries(maps))
    if (v !== (t as unknown as Record<string, unknown>)[k]) out = { ...out, [k]: v };
  out = upd(out, 'partitionBy', `${at} partition by`, visit);
  if (out.partitionOf) {
    const po = upd(out.partitionOf, 'bound', `${at} bound`, visit);
    if (po !== out.partitionOf) out = { ...out, partitionOf: po };
  }
  return out;
}

function mapView(id: string, v: View, visit: Visit): View {
  const at = `view ${id}`;
  let out = upd(v, 'query', `${at} query`, visit);
  const indexes = each(v.indexes, (k, ix) => mapIndex(`${at} index ${k}`, ix, visit));
  if (indexes !== v.indexes) out = { ...out, indexes };
  const triggers = each(v.triggers, (k, tr) => upd(tr, 'when', `${at} trigger ${k} when`, visit));
  if (triggers !== v.triggers) out = { ...out, triggers };
  const defaults = each(v.columnDefaults, (k, d) => {
    const next = visit(`${at} column ${k} default`, d);
    return same(next, d) ? d : (next as typeof d);
  });
  if (defaults !== v.columnDefaults) out = { ...out, columnDefaults: defaults! };
  return out;
}

function mapDomain(id: string, d: Domain, visit: Visit): Domain {
  const out = upd(d, 'default', `domain ${id} default`, visit);
  const checks = each(d.checks, (k, c) => upd(c, 'expression', `domain ${id} check ${k}`, visit));
  return checks === d.checks ? out : { ...out, checks: checks! };
}

function mapFunction(id: string, f: Func, visit: Visit): Func {
  const at = `function ${id}`;
  return upd(upd(upd(f, 'args', `${at} args`, visit), 'returns', `${at} returns`, visit), 'body', `${at} body`, visit);
}

/** mapExpressions rebuilds `s` with every expression slot passed through `visit` (unchanged parts are shared). */
export function mapExpressions(s: Schema, visit: Visit): Schema {
  const tables = each(s.tables, (k, t) => mapTable(k, t, visit))!;
  const views = each(s.views, (k, v) => mapView(k, v, visit))!;
  const domains = each(s.domains, (k, d) => mapDomain(k, d, visit))!;
  const functions = each(s.functions, (k, f) => mapFunction(k, f, visit))!;
  const objects = each(s.objects, (k, o): SqlObject => upd(o, 'sql', `object ${k}`, visit));
  if (
    tables === s.tables &&
    views === s.views &&
    domains === s.domains &&
    functions === s.functions &&
    objects === s.objects
  )
    return s;
  return { ...s, tables, views, domains, functions, ...(objects ? { objects } : {}) };
}

/** expressionSlots lists every expression slot of `s` with its value. */
export function expressionSlots(s: Schema): Map<string, unknown> {
  const out = new Map<string, unknown>();
  mapExpressions(s, (slot, v) => (out.set(slot, v), v));
  return out;
}

/** Normalized is what normalising one declared model found: PostgreSQL's text for each slot it spells differently, or why the build failed. */
type Normalized = CachedNormalization;

const memo = new Map<string, Normalized>();
/** objectMemo keeps this process's answers by object key (normcache.ts). */
const objectMemo = new Map<string, SlotValues>();

/** normalizationKey names the normalisation of a declared model (its exact JSON but INERT keys) for this PGlite and this schemaver build. */
export function normalizationKey(schema: Schema, pgliteVersion: string): string {
  return createHash('sha256')
    .update(`${pgliteVersion}\0${codeIdentity()}\0${inertFreeJson(schema)}`)
    .digest('hex');
}

/** NormalizeOptions: where the cache lives (none: memory only) and how to build (default: buildSchema in a fresh PGlite). */
export interface NormalizeOptions {
  readonly cacheDir?: string;
  readonly build?: (schema: Schema) => Promise<Schema>;
  /** whole: normalise the whole schema in one build, asking no object's cached answer (tests compare both ways). */
  readonly whole?: boolean;
  /**
   * name: a name that fixes the declared model entirely (`commit <id>`: a commit's snapshot never changes). Its answer
   * is also kept under that name, so the next time it is found without serialising and hashing the model.
   */
  readonly name?: string;
  /**
   * early: hears the schema as PostgreSQL spelled it after the first whole build, while the later rounds (which only
   * confirm that PostgreSQL keeps its own spelling) still run; normalizeExpressions then returns that very object
   * when they changed nothing (normalizeEarly).
   */
  readonly early?: (provisional: Schema) => void;
  /**
   * helper: builds a schema from nothing and reads it back on another thread (offload.ts Verifier.readback). A
   * first whole build is then split in two halves by object (normcache.ts partial builds), one on each thread.
   */
  readonly helper?: (schema: Schema) => Promise<Schema>;
  /**
   * reread: builds the schema `helper` built last once more, with each expression as that build read it back
   * (respelledBuild), and reads it back, on the helper's thread (offload.ts Verifier.reread). A first round shared
   * between objects (normshare.ts) asks it at once, so the helper's thread, idle until the proof, answers the second
   * round (most hand-written checks are respelled) while this one plans.
   */
  readonly reread?: () => Promise<Schema>;
  /**
   * gate: settles when the declared model is known valid (the caller validates it meanwhile): nothing is kept (in the
   * cache directory or this process) before it resolves, and the normalisation fails with it when it rejects.
   */
  readonly gate?: Promise<unknown>;
  /**
   * resume: with `early`, the later rounds wait for it (the caller plans and sends its proof first: a later round's
   * build on this thread would delay that).
   */
  readonly resume?: Promise<unknown>;
}

/**
 * normalizeExpressions returns `schema` with every expression in PostgreSQL 18's spelling (see the file comment):
 * from the cache when this exact model was normalised before; else each object's answer from the cache by object
 * (normcache.ts), building in PGlite only the objects it lacks (with what they refer to), or the whole schema when
 * it has none.
 */
export async function normalizeExpressions(schema: Schema, opts: NormalizeOptions = {}): Promise<Schema> {
  opts.gate?.catch(() => undefined); // awaited before anything is kept
  const named = opts.name !== undefined && !opts.whole ? namedKey(opts.name, pgliteVersionString()) : undefined;
  const known = named ? await cached(named, opts.cacheDir) : undefined;
  if (known) return applied(schema, known);
  const slots = expressionSlots(schema);
  if (slots.size === 0) {
    normalForms.add(schema);
    return schema;
  }
  // with nothing cached (in this process or the folder) the key cannot find an answer: it only names the one kept
  // after the build, so it is made then, not before the first build (~0.15 s for 1000 tables: JSON and a hash)
  const none = memo.size === 0 && (!opts.cacheDir || !(await anyNormalization(opts.cacheDir)));
  let key = none ? undefined : normalizationKey(schema, pgliteVersionString());
  let n = opts.whole || key === undefined ? undefined : await cached(key, opts.cacheDir);
  let readback: Schema | undefined;
  let provisional: Schema | undefined; // what opts.early heard, when the later rounds kept every text of it
  const fresh = !n;
  if (!n) ({ n, readback, provisional } = await normalizeByObject(schema, slots, pgliteVersionString(), opts));
  key ??= normalizationKey(schema, pgliteVersionString());
  if (fresh && opts.cacheDir) await writeNormalization(opts.cacheDir, key, n);
  await opts.gate;
  memo.set(key, n);
  if (named) {
    const answer = n.failed !== undefined ? { failed: n.failed } : { changed: n.changed ?? {} };
    memo.set(named, answer);
    if (opts.cacheDir) await writeNormalization(opts.cacheDir, named, answer);
  }
  const out = provisional ?? applied(schema, n);
  if (!n.unstable) normalForms.add(out);
  // the last round built exactly `out` from nothing: that is the read-back a proof of an edge to it needs
  if (readback && opts.cacheDir && !opts.build)
    await writeCachedReadback(opts.cacheDir, schemaHash(out), 'proof', readback);
  return out;
}

/** EarlyNormal is a normalisation whose first round is done (`schema`) while its later rounds run on (`final`). */
export interface EarlyNormal {
  /** schema: PostgreSQL's spelling after the first whole build (the final answer when the schema needed no more). */
  readonly schema: Schema;
  /**
   * final: what normalizeExpressions returns: `schema` itself (the same object) when the later rounds found PostgreSQL
   * keeps every text of it, another schema when it respelled some again.
   */
  readonly final: Promise<Schema>;
}

/**
 * normalizeEarly is normalizeExpressions answering as soon as the first whole build has read the schema back, so a
 * caller can plan and prove with it while the later rounds confirm it on this thread; it must await `final` and use
 * `schema` only when `final` is that same object. Without a whole build (cached, or built by object) `schema` is
 * the final answer already.
 */
export function normalizeEarly(schema: Schema, opts: Omit<NormalizeOptions, 'early'> = {}): Promise<EarlyNormal> {
  return new Promise((resolve, reject) => {
    let heard = false;
    const final: Promise<Schema> = normalizeExpressions(schema, {
      ...opts,
      early: (provisional) => {
        heard = true;
        resolve({ schema: provisional, final });
      },
    });
    // the caller awaits `final` (after the proof it runs meanwhile); until then its failure is handled here
    final.then(
      (s) => {
        if (!heard) resolve({ schema: s, final });
      },
      (e: unknown) => {
        if (!heard) reject(e as Error);
      },
    );
  });
}

/**
 * normalForms are the schemas normalizeExpressions returned that normalise to themselves: every text is one
 * PostgreSQL reads back as it is (or the schema does not build, so it keeps its words either way).
 */
const normalForms = new WeakSet<Schema>();

/**
 * rememberNormalForm records, under `opts.name`, that normalising `schema` changes nothing, when this process's
 * normalizeExpressions returned it as a normal form (a commit of it then finds its normalisation by name, building
 * nothing); false when it cannot tell.
 */
export async function rememberNormalForm(
  schema: Schema,
  opts: { readonly cacheDir: string; readonly name: string },
): Promise<boolean> {
  if (!normalForms.has(schema)) return false;
  const key = namedKey(opts.name, pgliteVersionString());
  memo.set(key, { changed: {} });
  await writeNormalization(opts.cacheDir, key, { changed: {} });
  return true;
}

/**
 * NORMAL_FORM_REVISION is the revision of what this module answers: bump it with any change that makes it answer a
 * different text for some schema, so that commits recording an older normalIdentity are normalised again.
 */
const NORMAL_FORM_REVISION = 1;

let schemaverVersion: string | undefined;

/**
 * normalIdentity names this normalisation for the store: PGlite's version, schemaver's and NORMAL_FORM_REVISION
 * (not the build's code identity: a clone on another machine has the same). `commit` and `merge` record it beside a
 * model that is normalizeExpressions' answer for the commit's files, so that schema/ holding exactly those files
 * loads as that model without building it (app/project.ts loadWorking).
 */
export function normalIdentity(): string {
  if (schemaverVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version?: string;
      };
      schemaverVersion = pkg.version ?? '0';
    } catch {
      schemaverVersion = 'unknown';
    }
  }
  return `pglite ${pgliteVersionString()}; schemaver ${schemaverVersion}; normal ${NORMAL_FORM_REVISION}`;
}

/** namedKey is the cache key of a named model (NormalizeOptions.name) for this PGlite and this schemaver build. */
function namedKey(name: string, pgliteVersion: string): string {
  return createHash('sha256').update(`${pgliteVersion}\0${codeIdentity()}\0name\0${name}`).digest('hex');
}

/** cached is a normalisation's answer from this process or the cache directory, or undefined. */
async function cached(key: string, cacheDir: string | undefined): Promise<Normalized | undefined> {
  return memo.get(key) ?? (cacheDir ? await readNormalization(cacheDir, key) : undefined);
}

/** applied is `schema` with PostgreSQL's text in the slots a normalisation changed. */
function applied(schema: Schema, n: Normalized): Schema {
  const changed = n.changed;
  return !changed || Object.keys(changed).length === 0
    ? schema
    : mapExpressions(schema, (slot, v) => (slot in changed ? changed[slot] : v));
}

/** slotsByObject groups the expression slots of `s` by object (`section:id`). */
export function slotsByObject(s: Schema): Map<string, Map<string, unknown>> {
  const out = new Map<string, Map<string, unknown>>();
  const add = (
    section: string,
    m: Readonly<Record<string, unknown>> | undefined,
    f: (id: string, o: never, v: Visit) => unknown,
  ) => {
    for (const [id, o] of Object.entries(m ?? {})) {
      const got = new Map<string, unknown>();
      f(id, o as never, (slot, v) => (got.set(slot, v), v));
      if (got.size) out.set(`${section}:${id}`, got);
    }
  };
  add('tables', s.tables, mapTable);
  add('views', s.views, mapView);
  add('domains', s.domains, mapDomain);
  add('functions', s.functions, mapFunction);
  add('objects', s.objects, (k, o: SqlObject, visit) => upd(o, 'sql', `object ${k}`, visit));
  return out;
}

/**
 * normalizeByObject answers each object from the cache by object and builds the others: their partial schema
 * (normcache.ts), or the whole schema when no object is answered or the partial one does not build (so a schema
 * that does not build is decided as a whole, as before). The answer carries every object's slots for the cache.
 */
async function normalizeByObject(
  schema: Schema,
  slots: ReadonlyMap<string, unknown>,
  pgliteVersion: string,
  opts: NormalizeOptions,
): Promise<{ n: Normalized; readback?: Schema; provisional?: Schema }> {
  const byObject = slotsByObject(schema);
  const plan = objectPlan(schema, byObject, `${pgliteVersion}\0${codeIdentity()}`);
  const answers = new Map<string, SlotValues>();
  // no answer to look for (none in this process or the folder): the objects are keyed after the build, for the cache
  const none = objectMemo.size === 0 && (!opts.cacheDir || !(await anyNormalization(opts.cacheDir)));
  if (!opts.whole && !none) {
    const wanted = new Set(plan.keys.values());
    for (const k of wanted) if (objectMemo.has(k)) answers.set(k, objectMemo.get(k)!);
    if (opts.cacheDir && answers.size < wanted.size)
      for (const [k, v] of await readObjectAnswers(opts.cacheDir, wanted)) answers.set(k, v);
  }
  const missing = answers.size
    ? new Set([...plan.keys].filter(([, k]) => !answers.has(k)).map(([o]) => o))
    : plan.objects;
  let built: SlotValues = {};
  let readback: Schema | undefined;
  let partial = missing.size > 0 && answers.size > 0;
  let unstable = false;
  let provisional: Schema | undefined;
  if (partial) {
    const part = plan.build(missing);
    const r = await normalizeNow(part, expressionSlots(part), opts.build);
    if (r.n.failed) partial = false;
    else ((built = r.n.changed ?? {}), (unstable = Boolean(r.n.unstable)));
  }
  if (missing.size > 0 && !partial) {
    const identity = `${pgliteVersion}\0${codeIdentity()}`;
    const narrow: Narrow = (cur, respelled) => {
      const by = slotsByObject(cur);
      const owners = ownersOf(by, respelled);
      return owners.size ? objectPlan(cur, by, identity).build(owners) : undefined;
    };
    const halves = opts.helper && !opts.build && !opts.whole ? splitFirst(byObject, plan, opts.helper) : undefined;
    // a build of many objects (64+, as the split) builds each distinct spelling problem once, when that costs less
    // than the split's half (the first round) or the narrowed build (a later one)
    const share =
      opts.helper && !opts.whole && byObject.size >= SPLIT_MIN_OBJECTS
        ? sharer(schema, byObject, plan, identity, opts.helper, opts.build ?? buildForProof, opts.reread)
        : undefined;
    const early = opts.early ? { hear: opts.early, ...(opts.resume ? { resume: opts.resume } : {}) } : undefined;
    const r = await normalizeNow(schema, slots, opts.build, narrow, early, halves, share);
    if (r.n.failed) return r;
    built = r.n.changed ?? {};
    readback = r.readback;
    unstable = Boolean(r.n.unstable);
    provisional = r.provisional;
  }
  await opts.gate; // nothing of an invalid model is kept
  const changed: SlotValues = {};
  const objects: Record<string, SlotValues> = {};
  for (const [o, k] of plan.keys) {
    let mine = answers.get(k);
    if (!mine) {
      mine = {};
      for (const slot of byObject.get(o)!.keys()) if (slot in built) mine[slot] = built[slot];
      if (!unstable) objectMemo.set(k, mine); // only a text PostgreSQL keeps is an object's answer
    }
    objects[k] = mine;
    Object.assign(changed, mine);
  }
  return {
    n: unstable ? { changed, unstable } : { changed, objects },
    ...(readback ? { readback } : {}),
    ...(provisional ? { provisional } : {}),
  };
}

/** ownersOf lists the objects (`section:id`) of `by` owning one of the slots `respelled`. */
function ownersOf(by: ReadonlyMap<string, ReadonlyMap<string, unknown>>, respelled: ReadonlySet<string>): Set<string> {
  return new Set([...by].filter(([, m]) => [...m.keys()].some((k) => respelled.has(k))).map(([o]) => o));
}

/**
 * Share reads back the slots of `cur` (only those of the objects owning `respelled`, when given) from a build that
 * spells each distinct problem once (normshare.ts); undefined when sharing saves nothing, a promise of undefined when
 * that build failed (the usual build decides).
 */
type Share = (cur: Schema, respelled?: ReadonlySet<string>) => Promise<Map<string, unknown> | undefined> | undefined;

/**
 * sharer is the Share of `schema` (its slots `byObject`, its `plan`): the first round builds on the helper's thread
 * (idle until the proof, its PGlite started: this thread meanwhile validates and keys the model), a later one with
 * `build` (the helper's thread proves by then). With `reread`, the second round is the first round's shared build
 * built again with the texts it read back (respelledBuild), asked of the helper together with the first: the same
 * instances (each distinct spelling problem once, in the same bins) now carry the first round's answers, so each
 * slot of `cur` reads back, through the first round's `via`, as its own text built again.
 */
function sharer(
  schema: Schema,
  byObject: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  plan: ObjectPlan,
  identity: string,
  helper: (schema: Schema) => Promise<Schema>,
  later: (schema: Schema) => Promise<Schema>,
  reread?: () => Promise<Schema>,
): Share {
  let again: { readonly sb: SharedBuild; readonly back: Promise<Schema | undefined> } | undefined;
  const share: Share = (cur, respelled) => {
    const by = cur === schema ? byObject : slotsByObject(cur);
    const owners = respelled ? ownersOf(by, respelled) : new Set(by.keys());
    const p = cur === schema ? plan : objectPlan(cur, by, identity);
    const sb = sharedBuild(cur, by, p, owners, respelled ? owners.size : owners.size / 2);
    if (!sb) return undefined;
    const read = (respelled ? later : helper)(sb.schema).then(
      (back) => slotsFrom(back, sb, by),
      () => undefined, // the usual build decides
    );
    // asked at once, it is the helper's next request (a first round that failed leaves it nothing to rebuild)
    if (!respelled && reread) again = { sb, back: reread().catch(() => undefined) };
    return read;
  };
  return (cur, respelled) => {
    const second = again;
    again = undefined; // the first round's rebuild answers the second round only
    if (!respelled || !second) return share(cur, respelled);
    const owners = ownersOf(byObject, respelled); // `cur` keeps the slots (and objects) of `schema`
    // a rebuild that failed leaves the second round to the usual shared build
    return second.back.then((back) => (back ? slotsFrom(back, second.sb, byObject, owners) : share(cur, respelled)));
  };
}

/**
 * slotsFrom reads the slots of the objects of `by` (only those of `owners`, when given) from `back`, the read-back of
 * the shared build `sb`: an object built as itself under its own slots, a shared one under its instance's (`via`).
 */
function slotsFrom(
  back: Schema,
  sb: SharedBuild,
  by: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  owners?: ReadonlySet<string>,
): Map<string, unknown> {
  const got = expressionSlots(back);
  const read = new Map<string, unknown>();
  for (const o of sb.direct) {
    if (owners && !owners.has(o)) continue;
    for (const slot of by.get(o)!.keys()) if (got.has(slot)) read.set(slot, got.get(slot));
  }
  const wanted = owners ? new Set([...owners].flatMap((o) => [...(by.get(o)?.keys() ?? [])])) : undefined;
  for (const [slot, from] of sb.via) if ((!wanted || wanted.has(slot)) && got.has(from)) read.set(slot, got.get(from));
  return read;
}

/**
 * rebuildLast answers a helper's `reread` (offload.ts): `last` (a schema the helper built and what it read back) built
 * again with the texts it read back, read back; `last.back` itself when it respelled nothing.
 */
export async function rebuildLast(
  last: { readonly schema: Schema; readonly back: Schema } | undefined,
  opts: { readonly recycle?: boolean } = {},
): Promise<Schema> {
  if (!last) throw new Error('nothing was built to build again');
  const again = respelledBuild(last.schema, last.back);
  return again ? buildForProof(again, opts) : last.back;
}

/**
 * respelledBuild is `built` (a schema a build read back as `back`) with each expression as `back` spells it, or
 * undefined when `back` spells every one as `built` does (building it again would only read back `back`). Only what
 * PostgreSQL respelled needs building again: the checks, indexes and column defaults of tables it spelled as written
 * are left out (the objects and columns stay: what a respelled text names is there as before). A build of it that
 * fails (a left-out index a table option names) is no answer: the caller's usual round decides.
 */
export function respelledBuild(built: Schema, back: Schema): Schema | undefined {
  const got = expressionSlots(back);
  const out = mapExpressions(built, (slot, v) => {
    const pg = got.get(slot);
    return pg !== undefined && !same(pg, v) ? pg : v;
  });
  if (out === built) return undefined;
  const tables: Record<string, Table> = {};
  for (const [id, t] of Object.entries(out.tables)) tables[id] = respelledParts(t, built.tables[id]!);
  return { ...out, tables };
}

/** respelledParts is table `t` (`was` with some texts respelled) without the checks, indexes and defaults `was` had as they are. */
function respelledParts(t: Table, was: Table): Table {
  const changed = <T>(now: Readonly<Record<string, T>> | undefined, before: Readonly<Record<string, T>> | undefined) =>
    Object.fromEntries(Object.entries(now ?? {}).filter(([k, v]) => v !== before?.[k]));
  const columns = t.columns.map((c, i) => {
    if (c !== was.columns[i] || c.default === undefined) return c;
    const { default: _kept, ...rest } = c;
    return rest as typeof c;
  });
  return { ...t, columns, checks: changed(t.checks, was.checks), indexes: changed(t.indexes, was.indexes) };
}

/** SPLIT_MIN_OBJECTS: a first build of fewer objects with expressions is not split between threads (not worth a message). */
const SPLIT_MIN_OBJECTS = 64;

/**
 * splitFirst builds the objects of `byObject` in two partial schemas (plan.build: each with what it refers to), one
 * on the helper's thread, one on this; the answer is each object's slots read back from the half that built it
 * (an object's text does not depend on which other objects are built, normcache.ts). Undefined when either half
 * does not build: the whole schema is built instead, so a schema that does not build is decided as a whole.
 */
function splitFirst(
  byObject: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  plan: ObjectPlan,
  helper: (schema: Schema) => Promise<Schema>,
): (() => Promise<Map<string, unknown> | undefined>) | undefined {
  if (byObject.size < SPLIT_MIN_OBJECTS) return undefined;
  return async () => {
    // halves of about equal numbers of slots (a build costs by what it creates), in the schema's order
    const total = [...byObject.values()].reduce((n, m) => n + m.size, 0);
    const first = new Set<string>();
    let n = 0;
    for (const [o, m] of byObject) if ((n += m.size) <= total / 2 || first.size === 0) first.add(o);
    const second = new Set([...byObject.keys()].filter((o) => !first.has(o)));
    const there = helper(plan.build(first));
    there.catch(() => undefined); // awaited below
    const here = await buildForProof(plan.build(second)).catch(() => undefined);
    const away = await there.catch(() => undefined);
    if (!here || !away) return undefined;
    const read = new Map<string, unknown>();
    for (const [half, back] of [
      [first, away],
      [second, here],
    ] as const) {
      const got = slotsByObject(back);
      for (const o of half) for (const [slot, v] of got.get(o) ?? []) read.set(slot, v);
    }
    return read;
  };
}

/**
 * Narrow returns the partial schema that builds the objects owning `slots` in `cur` (with what they refer to), or
 * undefined to build `cur` whole.
 */
type Narrow = (cur: Schema, slots: ReadonlySet<string>) => Schema | undefined;

/** ROUNDS bounds the rebuilds: PostgreSQL's deparser is not always a fixpoint (`x IN ('a')` on varchar reads back as an array cast that reads back differently again), so a changed text is built once more until it stays. */
const ROUNDS = 3;

/** normalizeNow builds `schema` until PostgreSQL spells every slot the way it reads it back, and collects the slots it changed. */
async function normalizeNow(
  schema: Schema,
  slots: ReadonlyMap<string, unknown>,
  build?: (schema: Schema) => Promise<Schema>,
  narrow?: Narrow,
  early?: { readonly hear: (provisional: Schema) => void; readonly resume?: Promise<unknown> },
  halves?: () => Promise<Map<string, unknown> | undefined>,
  share?: Share,
): Promise<{ n: Normalized; readback?: Schema; provisional?: Schema }> {
  const run = build ?? buildForProof;
  const changed: Record<string, unknown> = {};
  let readback: Schema | undefined;
  let first: Schema | undefined; // the whole first build's read-back
  let cur = schema;
  let now = slots;
  let stable = false;
  let last: ReadonlySet<string> = new Set();
  let heard: Schema | undefined; // what `early` heard, while no later round changed it
  for (let round = 0; round < ROUNDS && !stable; round++) {
    // each distinct spelling problem built once (of the objects respelled, in a later round), when that builds
    const shared = share ? await share(cur, round > 0 ? last : undefined) : undefined;
    // a later round only checks that PostgreSQL keeps its own spelling: the objects it respelled, with what they need
    const part = !shared && round > 0 && narrow ? narrow(cur, last) : undefined;
    // the first round split between two threads reads back each object from its half (no whole read-back)
    const split = !shared && round === 0 && halves ? await halves() : undefined;
    let back: Schema | undefined;
    try {
      if (!split && !shared) back = await run(part ?? cur).catch((e: unknown) => (part ? run(cur) : Promise.reject(e)));
    } catch (e) {
      if (round === 0) return { n: { failed: String((e as Error)?.message ?? e).slice(0, 500) } };
      stable = true; // PostgreSQL's own text of the last round did not build again: keep that round's text
      break; // (normalising it again fails too and keeps it: it is its own normal form)
    }
    if (round === 0) first = back;
    const read = shared ?? split ?? expressionSlots(back!);
    const step: Record<string, unknown> = {};
    for (const [slot, v] of now) {
      const pg = read.get(slot);
      if (pg !== undefined && !same(pg, v)) step[slot] = pg;
    }
    if (Object.keys(step).length === 0) {
      // a narrowed round read back only part: the whole first build's read-back with the texts PostgreSQL keeps is
      // `cur`'s read-back (they are what building `cur` reads back; nothing else changed)
      if (back && !part) readback = back;
      else if (first && round > 0) {
        const kept = expressionSlots(cur);
        readback = mapExpressions(first, (slot, v) => (slot in changed && kept.has(slot) ? kept.get(slot) : v));
      }
      stable = true;
      break;
    }
    last = new Set(Object.keys(step));
    Object.assign(changed, step);
    cur = mapExpressions(cur, (slot, v) => (slot in step ? step[slot] : v));
    if (round === 0 && early && ROUNDS > 1) {
      early.hear((heard = cur)); // the later rounds only confirm it (or not), once the caller is on its way
      await early.resume?.catch(() => undefined);
    } else heard = undefined; // a later round respelled it: `cur` is another schema
    now = expressionSlots(cur); // the next round's slots: made after the caller heard this one
  }
  for (const [slot, v] of slots) if (slot in changed && same(changed[slot], v)) delete changed[slot];
  return {
    n: { changed, ...(stable ? {} : { unstable: true }) },
    ...(readback ? { readback } : {}),
    ...(heard && stable ? { provisional: heard } : {}),
  };
}

/** YAML loader entry points (see src/ARCHITECTURE.md): files -> Schema with every issue located at file:line:col. */
import { parseDefaultPrivileges } from './grants.js';
import { assertNever, type Schema } from '../model/types.js';
import { sectionOfYaml } from '../model/sections.js';
import { invalidSchema, sortIssues, type Issue } from '../errors.js';
import { tidySchema } from '../canon/canonical.js';
import { buildSchema, newCollected, type Collected } from './build.js';
import { readId } from './common.js';
import { KEYS } from './keys.js';
import { Ctx, parseYamlFile, type Node, type SqlRef } from './node.js';
import { parseComposite, parseDomain, parseEnum, parseExtensions, parseSchemas, parseSequence } from './objects.js';
import { parseFunction } from './functions.js';
import { parseView } from './views.js';
import { parseTable } from './table.js';
import { parseSqlObject, parseUnmanaged } from './sqlobjects.js';

export { KEYS } from './keys.js';

export { readSchemaDir, type SourceFile } from './files.js';
import { readSchemaDir, type SourceFile } from './files.js';

/** ParseResult is a parsed schema, or every issue found (schema is undefined when any issue is an error). */
export interface ParseResult {
  readonly schema?: Schema;
  readonly issues: readonly Issue[];
  /** sql: every SQL text read (types, expressions, queries, defaults, bodies) with its node, for src/validate. */
  readonly sql: readonly SqlRef[];
  /** partial: when there are issues, the model of what did parse, so src/validate can still report in the same run. */
  readonly partial?: Schema;
  /** incomplete: what the issues may have left out of `partial` (`table:<id>`, or `*` for anything else). */
  readonly incomplete?: ReadonlySet<string>;
}

/** ParseOptions tune parseSchemaFiles: `timings` receives milliseconds per phase (yaml, sections, build, tidy) for diagnosis. */
export interface ParseOptions {
  readonly timings?: Record<string, number>;
}

/** parseSchemaFiles parses and validates YAML files into one Schema, collecting every issue. Pure: no I/O. */
export function parseSchemaFiles(files: readonly SourceFile[], opts: ParseOptions = {}): ParseResult {
  const tm = opts.timings;
  let t = tm ? performance.now() : 0;
  const lap = (phase: string): void => {
    if (!tm) return;
    const now = performance.now();
    tm[phase] = (tm[phase] ?? 0) + (now - t);
    t = now;
  };
  const ctx = new Ctx();
  const c = newCollected();
  for (const f of files) {
    const root = parseYamlFile(f.path, f.text, ctx);
    lap('yaml');
    if (root === undefined) continue;
    if (root.t === 'scalar' && root.value === null) continue;
    const m = ctx.map(root, `the top level of ${f.path}`);
    if (!m) continue;
    const k = ctx.keys(m, KEYS.top, `${f.path} (top level)`);
    for (const [section, e] of k) ctx.within({ section }, () => collectSection(ctx, c, section, e.value));
    lap('sections');
  }
  const schema = ctx.within({ section: 'build' }, () => buildSchema(ctx, c));
  lap('build');
  const issues = sortIssues(ctx.issues);
  if (issues.length) {
    const incomplete = new Set(ctx.incomplete);
    if (!incomplete.size) incomplete.add('*');
    return { issues, sql: ctx.sql, partial: schema, incomplete };
  }
  const tidy = tidySchema(schema);
  lap('tidy');
  return { schema: tidy, issues, sql: ctx.sql };
}

function entries(
  ctx: Ctx,
  n: Node,
  what: string,
): readonly { key: string; keyNode: import('./node.js').Scalar; value: Node }[] {
  if (n.t === 'scalar' && n.value === null) return [];
  const m = ctx.map(n, what);
  return m ? m.entries : [];
}

function dup(ctx: Ctx, what: string, at: Node, prev: Node): void {
  ctx.error(
    'duplicate-object',
    at,
    `${what} is defined twice`,
    'keep one definition (sections may be split over files, but each object is defined once)',
    prev,
  );
}

/** collectSection reads one top-level section (its YAML key `key`) of one file into `c`, reporting objects defined twice. */
function collectSection(ctx: Ctx, c: Collected, key: string, n: Node): void {
  const section = sectionOfYaml(key);
  switch (section) {
    case undefined:
      return; // ctx.keys reported the unknown key
    case 'extensions':
      return parseExtensions(ctx, n, (name, at, obj) => {
        const prev = c.extensions.get(name);
        if (prev) dup(ctx, `extension \`${name}\``, at, prev.at);
        else c.extensions.set(name, { obj, at });
      });
    case 'schemas':
      return parseSchemas(ctx, n, (name, at, obj) => {
        const prev = c.schemas.get(name);
        if (prev) dup(ctx, `schema \`${name}\``, at, prev.at);
        else c.schemas.set(name, { obj, at });
      });
    case 'objects':
    case 'unmanaged':
      for (const e of entries(ctx, n, `\`${section}\``)) {
        const r = (section === 'objects' ? parseSqlObject : parseUnmanaged)(ctx, e.keyNode, e.value);
        if (!r) continue;
        const map = (section === 'objects' ? c.objects : c.unmanaged) as Map<string, { obj: unknown; at: Node }>;
        const prev = map.get(r.id);
        if (prev) dup(ctx, `${section === 'objects' ? '' : 'unmanaged '}\`${r.id}\``, e.keyNode, prev.at);
        else map.set(r.id, { obj: r.obj, at: e.keyNode });
      }
      return;
    case 'defaultPrivileges':
      return parseDefaultPrivileges(ctx, n, (id, at, obj) => {
        const prev = c.defaultPrivileges.get(id);
        if (prev) dup(ctx, `default privileges \`${id}\``, at, prev.at);
        else c.defaultPrivileges.set(id, { obj, at });
      });
    case 'functions':
      for (const e of entries(ctx, n, '`functions`')) {
        const r = parseFunction(ctx, e.keyNode, e.value);
        if (!r) continue;
        const prev = c.functions.get(r.id);
        if (prev) dup(ctx, `function \`${r.id}\``, e.keyNode, prev.at);
        else c.functions.set(r.id, r.fn);
      }
      return;
    case 'enums':
    case 'composites':
    case 'domains':
    case 'sequences':
    case 'tables':
    case 'views':
      return collectKeyed(ctx, c, section, n);
    default:
      assertNever(section, 'section');
  }
}

/** collectKeyed reads a section keyed by object id (enums, composites, domains, sequences, tables, views) into `c`. */
function collectKeyed(
  ctx: Ctx,
  c: Collected,
  section: 'enums' | 'composites' | 'domains' | 'sequences' | 'tables' | 'views',
  n: Node,
): void {
  for (const e of entries(ctx, n, `\`${section}\``)) {
    const id = readId(ctx, e.keyNode, `${section.replace(/s$/, '')} name`);
    if (!id) continue;
    const at = e.keyNode;
    const put = <T>(map: Map<string, T>, what: string, value: T | undefined, prevAt: (v: T) => Node): void => {
      if (value === undefined) return;
      const prev = map.get(id.id);
      if (prev) dup(ctx, `${what} \`${id.id}\``, at, prevAt(prev));
      else map.set(id.id, value);
    };
    switch (section) {
      case 'enums': {
        const obj = parseEnum(ctx, id, e.value);
        put(c.enums, 'enum', obj && { obj, at }, (p) => p.at);
        break;
      }
      case 'composites': {
        const obj = parseComposite(ctx, id, e.value);
        put(c.composites, 'composite type', obj && { obj, at }, (p) => p.at);
        break;
      }
      case 'domains':
        put(
          c.domains,
          'domain',
          ctx.within({ domain: id.id }, () => parseDomain(ctx, id, at, e.value)),
          (p) => p.at,
        );
        break;
      case 'sequences':
        put(c.sequences, 'sequence', parseSequence(ctx, id, at, e.value), (p) => p.at);
        break;
      case 'tables':
        put(
          c.tables,
          'table',
          ctx.within({ table: id.id }, () => parseTable(ctx, id, at, e.value)),
          (p) => p.at,
        );
        break;
      case 'views':
        put(
          c.views,
          'view',
          ctx.within({ view: id.id }, () => parseView(ctx, id, at, e.value)),
          (p) => p.at,
        );
        break;
    }
  }
}

/** loadSchemaDir reads and parses `<root>/schema`; throws SchemaverError (exit 2, every issue) when invalid. */
export async function loadSchemaDir(root: string): Promise<{ schema: Schema; files: SourceFile[] }> {
  const files = await readSchemaDir(root);
  const r = parseSchemaFiles(files);
  if (!r.schema) throw invalidSchema(r.issues);
  return { schema: r.schema, files };
}

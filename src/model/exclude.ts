/**
 * Exclusions: objects a project tells schemaver to leave alone, by kind and name pattern (`kind:pattern`, `*` and
 * `?` as wildcards), from `exclude:` in schemaver.yaml and `--exclude` on import, check and plan. An excluded object
 * is removed from both sides before anything is compared, so it is never imported, reported or planned.
 */
import type { Schema } from './types.js';
import { SQL_OBJECT_KINDS } from './objects.js';

/** ExcludeRule is one parsed `kind:pattern`. */
export interface ExcludeRule {
  readonly kind: string;
  readonly pattern: RegExp;
  readonly text: string;
}

const SECTION_KINDS: Readonly<Record<string, keyof Schema>> = {
  table: 'tables',
  view: 'views',
  function: 'functions',
  enum: 'enums',
  domain: 'domains',
  sequence: 'sequences',
  composite: 'composites',
  schema: 'schemas',
  extension: 'extensions',
};

/** EXCLUDE_KINDS lists the kinds an exclusion may name. */
export const EXCLUDE_KINDS: readonly string[] = [
  ...Object.keys(SECTION_KINDS),
  ...Object.keys(SQL_OBJECT_KINDS),
  'unmanaged',
  '*',
];

function glob(p: string): RegExp {
  const re = p
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

/** parseExclude reads `kind:pattern`; returns an error message instead when the text is not one. */
export function parseExclude(text: string): ExcludeRule | string {
  const i = text.indexOf(':');
  const kind = (i < 0 ? '' : text.slice(0, i)).trim().toLowerCase();
  const pattern = i < 0 ? '' : text.slice(i + 1).trim();
  if (!kind || !pattern)
    return `\`${text}\` is not KIND:PATTERN (e.g. \`table:tmp_*\`, \`rule:*\`, \`unmanaged:*GRANT*\`)`;
  if (!EXCLUDE_KINDS.includes(kind))
    return `unknown kind \`${kind}\` in \`${text}\`: use one of ${EXCLUDE_KINDS.join(', ')}`;
  return { kind, pattern: glob(pattern), text };
}

/** applyExcludes returns the schema without the objects the rules name (the same object when none matches). */
export function applyExcludes(schema: Schema, rules: readonly ExcludeRule[]): Schema {
  if (!rules.length) return schema;
  const hit = (kind: string, name: string) =>
    rules.some((r) => (r.kind === kind || r.kind === '*') && r.pattern.test(name));
  const out: Record<string, unknown> = { ...schema };
  for (const [kind, section] of Object.entries(SECTION_KINDS)) {
    const m = schema[section] as Readonly<Record<string, unknown>> | undefined;
    if (!m) continue;
    out[section] = Object.fromEntries(Object.entries(m).filter(([id]) => !hit(kind, id.replace(/\(.*$/s, ''))));
  }
  // a definition object matches by its whole SQL name or by its bare name (`total` for `total(integer)`, `r1` for `r1 ON t`)
  const bare = (name: string) => name.replace(/\s*[\s(].*$/s, '');
  if (schema.objects)
    out['objects'] = Object.fromEntries(
      Object.entries(schema.objects).filter(([, o]) => !hit(o.type, o.name) && !hit(o.type, bare(o.name))),
    );
  if (schema.unmanaged)
    out['unmanaged'] = Object.fromEntries(Object.entries(schema.unmanaged).filter(([k]) => !hit('unmanaged', k)));
  return out as unknown as Schema;
}

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KEYS } from '../../src/parse/keys.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { FIXTURES, loadFixture } from '../parse/helpers.js';

type JsonSchema = Record<string, any>;
const SCHEMA: JsonSchema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schemaver.schema.json'), 'utf8'),
);

/** validate is a small JSON Schema checker for the keywords schemaver.schema.json uses; returns the paths that fail. */
function validate(s: JsonSchema, v: unknown, path = '$'): string[] {
  if (s.$ref) return validate(SCHEMA.$defs[s.$ref.replace('#/$defs/', '')], v, path);
  if (s.anyOf)
    return (s.anyOf as JsonSchema[]).some((x) => validate(x, v, path).length === 0)
      ? []
      : [`${path}: matches no alternative`];
  if (s.type) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    const ok = types.some((t) =>
      t === 'null'
        ? v === null
        : t === 'array'
          ? Array.isArray(v)
          : t === 'object'
            ? typeof v === 'object' && v !== null && !Array.isArray(v)
            : t === 'integer'
              ? Number.isInteger(v)
              : typeof v === t,
    );
    if (!ok) return [`${path}: not ${types.join('|')}`];
  }
  if (s.enum && !s.enum.includes(v)) return [`${path}: not one of ${s.enum.join(', ')}`];
  if (s.pattern && typeof v === 'string' && !new RegExp(s.pattern).test(v))
    return [`${path}: does not match ${s.pattern}`];
  const errs: string[] = [];
  if (Array.isArray(v) && s.items) v.forEach((x, i) => errs.push(...validate(s.items, x, `${path}[${i}]`)));
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in o)) errs.push(`${path}: missing ${r}`);
    for (const [k, x] of Object.entries(o)) {
      if (s.properties?.[k]) errs.push(...validate(s.properties[k], x, `${path}.${k}`));
      else if (s.additionalProperties === false && s.properties) errs.push(`${path}: unknown key ${k}`);
      else if (typeof s.additionalProperties === 'object')
        errs.push(...validate(s.additionalProperties, x, `${path}.${k}`));
    }
  }
  return errs;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

describe('schemaver.schema.json', () => {
  it('lists exactly the keys the parser accepts, at every level', () => {
    for (const [place, keys] of Object.entries(KEYS)) {
      const def = place === 'top' ? SCHEMA : SCHEMA.$defs[place];
      expect(def, place).toBeDefined();
      expect(Object.keys(def.properties).sort(), place).toEqual([...keys].sort());
    }
  });

  it('accepts every valid fixture file and everything the writer produces', async () => {
    const files = yamlFiles(join(FIXTURES, 'schemas')).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
    files.push(
      ...writeSchemaYaml(await loadFixture('kitchen-sink')),
      ...writeSchemaYaml(await loadFixture('kitchen-sink'), { layout: 'per-table' }),
    );
    for (const f of files) expect(validate(SCHEMA, parse(f.text)), f.path).toEqual([]);
  });

  it('rejects unknown keys like the parser does', () => {
    for (const c of ['unknown-key-column', 'unknown-key-top', 'unknown-key-table']) {
      const text = readFileSync(join(FIXTURES, 'invalid', c, 'schema', 'a.yaml'), 'utf8');
      expect(validate(SCHEMA, parse(text)).join('\n'), c).not.toBe('');
    }
  });
});

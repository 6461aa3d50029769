import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseSchemaFiles, type SourceFile } from '../../src/parse/index.js';
import { checkedSchema } from '../../src/validate/index.js';
import { loadSqlParser } from '../../src/validate/sqlparse.js';
import { planMigration, renderUp } from '../../src/plan/index.js';
import { emptySchema } from '../../src/model/types.js';
import { SchemaverError, type Issue } from '../../src/errors.js';

/**
 * Seeded fuzzing of the whole input path (issue 15 item 6): 3,000 mutations of the example schema files — random
 * type names and numbers, deep nesting, alias bombs, unicode, truncation, statements injected into expression
 * fields — each run in-process through parse + validate + plan. The bar: no exception escapes (no internal error,
 * no stack trace), every issue is located, every input finishes in under 2 s, and no injected statement ever
 * reaches the generated SQL.
 */
const SEED = 20261206;
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const ROOT = resolve(import.meta.dirname, '..', '..');

function schemaFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const rec = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) rec(p);
      else out.push({ path: relative(join(dir, '..'), p), text: readFileSync(p, 'utf8') });
    }
  };
  rec(dir);
  return out;
}

const BASES: SourceFile[][] = [
  schemaFiles(join(ROOT, 'schema')),
  schemaFiles(join(ROOT, 'test/fixtures/schemas/kitchen-sink/schema')),
  schemaFiles(join(ROOT, 'test/fixtures/schemas/spec/schema')),
];

/** mulberry32 is a small seeded PRNG: the same seed gives the same 3,000 inputs on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const TYPES = [
  ...['integr', '12', '0', 'text[][]', 'varchar(1.5)', 'numeric(10,2)', 'timestamptz(3)', 'order_statuss', 'Status'],
  ...['"weird type"', 'int); DROP TABLE victim; --', 'text, evil text', 'public.nothing', 'pg_catalog.int4'],
  ...['bigserial', 'double precision', 'char varying(3)', 'interval day to second', 'setof int', 'int%TYPE', ''],
  ...['ȶext', 'integer[3]', 'bit varying', 'x'.repeat(300), '-1', 'true', 'null', '~', '.inf'],
];
const NUMBERS = [
  ...['0o777', '.inf', '-.inf', '.nan', '1e-400', '1e400', '0x7FFFFFFFFFFFFFFF', '9223372036854775808', '-0'],
  ...['1.5', '99999999999999999999999', '+5', '007', '0', '-1', '2147483648', '1_000', '0b101', '1e3'],
];
const INJECTIONS = [
  'x; DROP TABLE victim',
  '1) ; DELETE FROM victim; SELECT (1',
  'true) OR (1=1',
  '1 -- DELETE FROM victim',
  "'a' /* DELETE FROM victim",
  'SELECT 1 AS one; DELETE FROM victim',
  '$$; DELETE FROM victim; $$',
  '(SELECT count(*) FROM victim) > 0',
  'agee > 0',
  'abc',
  'now(',
  '1, 2',
  ')',
];
const UNICODE = ['é', '😀', '\u202e', '\u0000', '\u2028', '\ufeff', '\u0301', '\t', '\r\n', '"', "'", '\\', '#', ': '];

function bomb(r: Rng): string {
  const levels = int(r, 4, 10);
  const width = int(r, 3, 9);
  const lines = [`a0: &a0 [${Array(width).fill('"lol"').join(',')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(width)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  lines.push(`tables: *a${levels - 1}`);
  return lines.join('\n') + '\n';
}

function deep(r: Rng): string {
  const depth = r() < 0.3 ? int(r, 5000, 8000) : int(r, 60, 400);
  const form = r();
  if (form < 0.4) return `tables:\n  t: { columns: ${'['.repeat(depth)}${']'.repeat(depth)} }\n`;
  if (form < 0.6) return `tables:\n  t:\n    columns:\n      ${'- '.repeat(depth)}x\n`;
  if (form < 0.8) return `tables: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
  // block indentation: n levels take n^2/2 characters, so at most a few hundred
  const d = Math.min(depth, 400);
  return `tables:\n${Array.from({ length: d }, (_, i) => ' '.repeat(2 * i + 2) + 'k:').join('\n')}\n`;
}

/** mutate applies one random mutation to one file of a copy of the schema. */
function mutate(r: Rng, files: SourceFile[]): { files: SourceFile[]; kind: number } {
  const out = files.map((f) => ({ ...f }));
  const f = pick(r, out);
  const t = f.text;
  const kind = int(r, 0, 9);
  switch (kind) {
    case 0: // a type
      f.text = t.replace(/(type: )("[^"\n]*"|[^,}\n]+)/g, (m, k: string) =>
        r() < 0.3 ? k + quoteMaybe(r, pick(r, TYPES)) : m,
      );
      break;
    case 1: // a number
      f.text = t.replace(/\b\d+\b/g, (m) => (r() < 0.3 ? pick(r, NUMBERS) : m));
      if (r() < 0.5) f.text += `sequences:\n  fuzz_seq: { start: ${pick(r, NUMBERS)}, cache: ${pick(r, NUMBERS)} }\n`;
      break;
    case 2:
      f.text = deep(r);
      break;
    case 3:
      f.text = bomb(r);
      break;
    case 4: {
      // unicode at random places
      let s = t;
      for (let i = int(r, 1, 5); i > 0; i--) {
        const at = int(r, 0, s.length);
        s = s.slice(0, at) + pick(r, UNICODE) + s.slice(at);
      }
      f.text = s;
      break;
    }
    case 5:
      f.text = t.slice(0, int(r, 0, t.length));
      break;
    case 6: // an injected statement in an expression field
      f.text = t.replace(
        /((?:check|default|where|query|expression|using|when|generated): )("[^"\n]*"|[^,}\n]+)/g,
        (m, k: string) => (r() < 0.5 ? k + JSON.stringify(pick(r, INJECTIONS)) : m),
      );
      if (r() < 0.5) f.text += `views:\n  fuzz_view:\n    query: ${JSON.stringify(pick(r, INJECTIONS))}\n`;
      break;
    case 7: {
      // lines dropped, duplicated or swapped
      const lines = t.split('\n');
      const i = int(r, 0, lines.length - 1);
      const j = int(r, 0, lines.length - 1);
      if (r() < 0.4) lines.splice(i, 1);
      else if (r() < 0.5) lines.splice(i, 0, lines[j]!);
      else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      f.text = lines.join('\n');
      break;
    }
    case 8: // an anchor and aliases inside a real file
      f.text =
        t.replace(/(type: )(\w+)/, '$1&ty $2').replace(/(type: )(\w+)(?![\s\S]*&ty)/g, (m) => m) + `\nextra: *ty\n`;
      break;
    default: {
      // a few random bytes flipped
      const chars = [...t];
      for (let k = int(r, 1, 4); k > 0; k--) chars[int(r, 0, chars.length - 1)] = String.fromCharCode(int(r, 0, 0x7f));
      f.text = chars.join('');
    }
  }
  return { files: out, kind };
}

function quoteMaybe(r: Rng, s: string): string {
  return r() < 0.5 ? JSON.stringify(s) : s;
}

/** runOne is the path a command takes: parse, validate (also on what did parse), plan and render. */
async function runOne(files: SourceFile[]): Promise<{ issues: Issue[]; sql?: string }> {
  let schema;
  try {
    schema = await checkedSchema(parseSchemaFiles(files));
  } catch (e) {
    if (!(e instanceof SchemaverError) || e.exit !== 2) throw e;
    return {
      issues: e.issues.length
        ? [...e.issues]
        : [{ code: e.code, message: e.message, ...(e.loc ? { loc: e.loc } : {}) }],
    };
  }
  return { issues: [], sql: renderUp(planMigration(emptySchema(), schema)) };
}

describe('fuzzed schema files', () => {
  it(`${RUNS} seeded mutations: no internal error, every issue located, each under 2 s, no injection`, async () => {
    await loadSqlParser(); // once per process (what a command pays once), not part of any one input's time
    const r = mulberry32(SEED);
    const failures: string[] = [];
    let slowest = 0;
    let invalid = 0;
    const byKind: number[] = [];
    const t0 = performance.now();
    for (let n = 0; n < RUNS; n++) {
      const { files: input, kind } = mutate(r, BASES[r() < 0.75 ? 0 : r() < 0.7 ? 2 : 1]!); // mostly the example
      const t = performance.now();
      try {
        const { issues, sql } = await runOne(input);
        if (issues.length) invalid++;
        for (const i of issues) {
          if (!i.loc) failures.push(`#${n}: unlocated ${i.code}: ${i.message}`);
          if (i.code === 'internal' || /stack|Error:|    at /.test(i.message))
            failures.push(`#${n}: ${i.code}: ${i.message}`);
        }
        if (sql !== undefined && /victim/i.test(sql)) failures.push(`#${n}: an injected statement reached the SQL`);
      } catch (e) {
        failures.push(`#${n}: threw ${(e as Error).stack ?? String(e)}`.slice(0, 600));
      }
      const ms = performance.now() - t;
      slowest = Math.max(slowest, ms);
      byKind[kind] = (byKind[kind] ?? 0) + ms;
      if (ms > 2000) failures.push(`#${n}: took ${Math.round(ms)} ms`);
      if (failures.length > 20) break;
    }
    const total = performance.now() - t0;
    console.log(
      `fuzz: ${RUNS} inputs, ${invalid} refused, slowest ${Math.round(slowest)} ms, total ${Math.round(total)} ms, by mutation ${byKind.map(Math.round).join('/')}`,
    );
    expect(failures).toEqual([]);
    expect(invalid).toBeGreaterThan(RUNS / 3); // the mutations do reach the checks
  }, 180_000);
});

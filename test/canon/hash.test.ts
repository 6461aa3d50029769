import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalObjects, canonicalize, safeFileName, schemaHash } from '../../src/canon/index.js';
import { loadFixture, mustParse } from '../parse/helpers.js';

describe('schemaHash', () => {
  it('is the same however the schema is split, ordered, spelled or commented', async () => {
    const a = await loadFixture('spec');
    const b = await loadFixture('spec-split');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(schemaHash(b)).toBe(schemaHash(a));
    expect(schemaHash(a)).toMatch(/^sv1:[0-9a-f]{64}$/);
  });

  it('ignores rename hints and column order, but not meaning', () => {
    const base = mustParse('tables: { t: { columns: { a: int, b: text } } }');
    const hinted = mustParse(
      'tables: { t: { renamed_from: old, columns: { b: { type: text, renamed_from: c }, a: int4 } } }',
    );
    const changed = mustParse('tables: { t: { columns: { a: int, b: { type: text, nullable: false } } } }');
    expect(schemaHash(hinted)).toBe(schemaHash(base));
    expect(schemaHash(changed)).not.toBe(schemaHash(base));
    // the model keeps declared order; the canonical form sorts
    expect(hinted.tables['t']!.columns.map((c) => c.name)).toEqual(['b', 'a']);
    expect(canonicalize(hinted).tables['t']!.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('treats written-out defaults like omitted ones', () => {
    const a = mustParse(`
tables:
  p: { columns: { id: { type: int, primary_key: true } } }
  t:
    columns: { id: int, p: { type: int, references: p.id } }
    indexes: { t_id_idx: { columns: [id], using: btree } }
sequences: { s: {} }
`);
    const b = mustParse(`
tables:
  p: { columns: { id: int }, primary_key: { name: p_pkey, columns: [id] } }
  t:
    columns: { id: int, p: int }
    foreign_keys: [{ name: t_p_fkey, columns: [p], references: { table: p, columns: [id] }, on_delete: no_action, match: simple, deferrable: false }]
    indexes: [{ columns: ["id asc nulls last"] }]
sequences: { s: { type: bigint, start: 1, increment: 1, min: 1, max: 9223372036854775807, cache: 1, cycle: false } }
`);
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('pins the hashes of the fixture schemas', async () => {
    // A change here means canonicalisation changed: every stored snapshot hash changes with it. Update deliberately.
    expect(schemaHash(await loadFixture('spec'))).toBe(
      'sv1:d4d0070ade155f0ca2d781c68bc07ba73fcaabe6da5e6d08f231f639a2a1f757',
    );
    expect(schemaHash(mustParse(''))).toBe(schemaHash(mustParse('tables: {}\n# nothing\n')));
  });
});

describe('canonicalObjects', () => {
  it('gives one blob per top-level object at a safe path', async () => {
    const s = await loadFixture('spec');
    const objs = canonicalObjects(s);
    expect(objs.map((o) => o.path)).toEqual([
      'domains/email.json',
      'enums/order_status.json',
      'extensions/citext.json',
      'extensions/pgcrypto.json',
      'functions/touch_updated_at%28%29.json',
      'schemas/billing.json',
      'sequences/invoice_no.json',
      'tables/billing.invoices.json',
      'tables/teams.json',
      'tables/users.json',
      'views/active_users.json',
      'views/daily_totals.json',
    ]);
    const users = JSON.parse(objs.find((o) => o.path === 'tables/users.json')!.json);
    expect(users.columns.map((c: { name: string }) => c.name)[0]).toBe('created_at');
    expect(JSON.stringify(users)).not.toContain('renamedFrom');
  });

  it('percent-encodes anything outside [A-Za-z0-9._-]', () => {
    expect(safeFileName('billing.invoices')).toBe('billing.invoices');
    expect(safeFileName('"Weird Name"')).toBe('%22Weird%20Name%22');
    expect(safeFileName('"a/b"')).toBe('%22a%2Fb%22');
    expect(safeFileName('"é"')).toBe('%22%C3%A9%22');
    expect(safeFileName('..')).toBe('%2E%2E');
  });
});

/**
 * `cluster_on` planned: each edge up and down proven in PGlite (verifyEdge: built, migrated on sample rows, read back
 * and compared both ways), with the statements a reviewer reads.
 */
import { describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';
import { emptySchema } from '../../src/model/types.js';
import { planMigration, renderDown, renderUp } from '../../src/plan/index.js';
import { onlinePlan, renderOnline } from '../../src/plan/online.js';
import { verifyEdge } from '../../src/pg/index.js';

function schema(yaml: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/main.yaml', text: yaml }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.schema;
}

/** orders is a table with a key and two indexes, `extra` lines appended to its entry. */
const orders = (indexes: string, extra = '') => `tables:
  orders:
    columns:
      id: { type: bigint, primary_key: true }
      at: timestamptz
      customer: int
    indexes:
${indexes}${extra}`;
const TWO = '      orders_at_idx: { columns: [at] }\n      orders_customer_idx: { columns: [customer] }\n';

/** proven plans `a` -> `b`, proves up and down in PGlite and returns the scripts. */
async function proven(a: Schema, b: Schema): Promise<{ up: string; down: string }> {
  const p = planMigration(a, b);
  const up = renderUp(p);
  const down = renderDown(p);
  const r = await verifyEdge(a, b, up, down);
  expect(r.problems).toEqual([]);
  expect(r.ok).toBe(true);
  return { up, down };
}

/** statements lists the SQL statements of a script (comments left out). */
const statements = (script: string) =>
  script
    .split('\n')
    .filter((l) => l && !l.startsWith('--'))
    .map((l) => l.replace(/;$/, ''));

describe('cluster_on plans, proven in PGlite', () => {
  it('sets the mark, and down takes it off', async () => {
    const { up, down } = await proven(schema(orders(TWO)), schema(orders(TWO, '    cluster_on: orders_at_idx\n')));
    expect(statements(up)).toEqual(['ALTER TABLE public.orders CLUSTER ON orders_at_idx']);
    expect(statements(down)).toEqual(['ALTER TABLE public.orders SET WITHOUT CLUSTER']);
  }, 60_000);

  it('moves the mark to another index (a primary key too), and back', async () => {
    const a = schema(orders(TWO, '    cluster_on: orders_at_idx\n'));
    const b = await proven(a, schema(orders(TWO, '    cluster_on: orders_customer_idx\n')));
    expect(statements(b.up)).toEqual(['ALTER TABLE public.orders CLUSTER ON orders_customer_idx']);
    expect(statements(b.down)).toEqual(['ALTER TABLE public.orders CLUSTER ON orders_at_idx']);
    const pk = await proven(a, schema(orders(TWO, '    cluster_on: orders_pkey\n')));
    expect(statements(pk.up)).toEqual(['ALTER TABLE public.orders CLUSTER ON orders_pkey']);
  }, 60_000);

  it('drops the mark, and down sets it again', async () => {
    const { up, down } = await proven(schema(orders(TWO, '    cluster_on: orders_at_idx\n')), schema(orders(TWO)));
    expect(statements(up)).toEqual(['ALTER TABLE public.orders SET WITHOUT CLUSTER']);
    expect(statements(down)).toEqual(['ALTER TABLE public.orders CLUSTER ON orders_at_idx']);
  }, 60_000);

  it('marks the clustered index again when a changed definition drops and creates it, in up and in down', async () => {
    const a = schema(orders(TWO, '    cluster_on: orders_at_idx\n'));
    const changed = TWO.replace('columns: [at]', 'columns: [at, customer]');
    const { up, down } = await proven(a, schema(orders(changed, '    cluster_on: orders_at_idx\n')));
    expect(statements(up)).toEqual([
      'DROP INDEX public.orders_at_idx',
      'CREATE INDEX orders_at_idx ON public.orders (at, customer)',
      'ALTER TABLE public.orders CLUSTER ON orders_at_idx',
    ]);
    expect(statements(down)).toEqual([
      'DROP INDEX public.orders_at_idx',
      'CREATE INDEX orders_at_idx ON public.orders (at)',
      'ALTER TABLE public.orders CLUSTER ON orders_at_idx',
    ]);
  }, 60_000);

  it('keeps the marks right when the clustered index or key is recreated while the mark moves, or its index goes', async () => {
    // orders: the clustered index is recreated and the mark moves to another one; down marks the source's again
    // after it is created; items: the clustered index is dropped for a new one; keys: the clustered primary key
    // changes its columns under an unchanged mark
    const a = schema(`${orders(TWO, '    cluster_on: orders_at_idx\n')}
  items:
    columns: { id: int, sku: text }
    indexes: { items_sku: { columns: [sku] } }
    cluster_on: items_sku
  keys:
    columns: { a: int, b: int }
    primary_key: [a]
    cluster_on: keys_pkey
`);
    const b =
      schema(`${orders(TWO.replace('columns: [at]', 'columns: [at, customer]'), '    cluster_on: orders_customer_idx\n')}
  items:
    columns: { id: int, sku: text }
    indexes: { items_sku_id: { columns: [sku, id] } }
    cluster_on: items_sku_id
  keys:
    columns: { a: int, b: int }
    primary_key: [a, b]
    cluster_on: keys_pkey
`);
    const { up, down } = await proven(a, b);
    expect(statements(up)).toContain('ALTER TABLE public.orders CLUSTER ON orders_customer_idx');
    expect(statements(up)).toContain('ALTER TABLE public.items CLUSTER ON items_sku_id');
    expect(statements(up)).toContain('ALTER TABLE public.keys CLUSTER ON keys_pkey');
    expect(statements(down).slice(-1)).not.toEqual(['ALTER TABLE public.orders CLUSTER ON orders_customer_idx']);
    expect(statements(down)).toContain('ALTER TABLE public.items CLUSTER ON items_sku');
  }, 60_000);

  it('follows an index renamed with `renamed_from` without marking it again', async () => {
    const a = schema(orders(TWO, '    cluster_on: orders_at_idx\n'));
    const renamed = TWO.replace(
      'orders_at_idx: { columns: [at] }',
      'orders_when: { columns: [at], renamed_from: orders_at_idx }',
    );
    const { up, down } = await proven(a, schema(orders(renamed, '    cluster_on: orders_when\n')));
    expect(statements(up)).toEqual(['ALTER INDEX public.orders_at_idx RENAME TO orders_when']);
    expect(statements(down)).toEqual(['ALTER INDEX public.orders_when RENAME TO orders_at_idx']);
  }, 60_000);

  it('quotes a hostile index and table name, from nothing and as a change', async () => {
    const hostile = `tables:
  'Order "Lines"':
    columns: { id: int, 'Sku Code': text }
    indexes:
      'by "sku"; drop table x': { columns: ['Sku Code'] }
      plain_id: { columns: [id] }
    cluster_on: 'by "sku"; drop table x'
`;
    const b = schema(hostile);
    const root = await proven(emptySchema(), b);
    expect(statements(root.up)).toContain('ALTER TABLE public."Order ""Lines""" CLUSTER ON "by ""sku""; drop table x"');
    const moved = await proven(b, schema(hostile.replace(/cluster_on: .*/, 'cluster_on: plain_id')));
    expect(statements(moved.down)).toEqual([
      'ALTER TABLE public."Order ""Lines""" CLUSTER ON "by ""sku""; drop table x"',
    ]);
  }, 60_000);

  it('replica identity using an index follows the same rules: recreated, replaced by a new index, renamed', async () => {
    const rt = (ix: string, ri: string) => `tables:
  feed:
    columns: { id: { type: int, nullable: false }, k: { type: int, nullable: false } }
    indexes:
${ix}    replica_identity: { index: ${ri} }
`;
    const a = schema(rt('      feed_k: { columns: [k], unique: true }\n', 'feed_k'));
    // a changed definition under the same replica identity: marked again after each create
    const same = await proven(a, schema(rt('      feed_k: { columns: [k, id], unique: true }\n', 'feed_k')));
    expect(statements(same.up).slice(-1)).toEqual(['ALTER TABLE public.feed REPLICA IDENTITY USING INDEX feed_k']);
    expect(statements(same.down).slice(-1)).toEqual(['ALTER TABLE public.feed REPLICA IDENTITY USING INDEX feed_k']);
    // the index is dropped for a new one: down cannot name feed_k before it exists again, its create step does
    const moved = await proven(a, schema(rt('      feed_k_id: { columns: [k, id], unique: true }\n', 'feed_k_id')));
    expect(statements(moved.down)).toEqual([
      'DROP INDEX public.feed_k_id',
      'CREATE UNIQUE INDEX feed_k ON public.feed (k)',
      'ALTER TABLE public.feed REPLICA IDENTITY USING INDEX feed_k',
    ]);
    // a rename keeps the mark (PostgreSQL's does): nothing but the rename
    const renamed = await proven(
      a,
      schema(rt('      feed_key: { columns: [k], unique: true, renamed_from: feed_k }\n', 'feed_key')),
    );
    expect(statements(renamed.up)).toEqual(['ALTER INDEX public.feed_k RENAME TO feed_key']);
  }, 60_000);

  it('the online plan marks an index it builds CONCURRENTLY again, in up and in down', async () => {
    const a = schema(orders(TWO, '    cluster_on: orders_at_idx\n'));
    const b = schema(
      orders(TWO.replace('columns: [at]', 'columns: [at, customer]'), '    cluster_on: orders_at_idx\n'),
    );
    const plan = onlinePlan(planMigration(a, b), a, b);
    const up = renderOnline(plan, 'up');
    const down = renderOnline(plan, 'down');
    expect(up).toMatch(
      /CREATE INDEX CONCURRENTLY orders_at_idx ON public\.orders \(at, customer\);\nALTER TABLE public\.orders CLUSTER ON orders_at_idx;/,
    );
    expect(down).toMatch(
      /CREATE INDEX CONCURRENTLY orders_at_idx ON public\.orders \(at\);\nALTER TABLE public\.orders CLUSTER ON orders_at_idx;/,
    );
    const r = await verifyEdge(a, b, up, down, { whole: true });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  }, 60_000);
});

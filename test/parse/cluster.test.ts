import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/errors.js';
import { mustParse, parseYaml } from './helpers.js';

/** `cluster_on` (ALTER TABLE ... CLUSTER ON): read onto the table, and checked against the table's indexes where written. */
describe('cluster_on', () => {
  it('names a plain index, or the index of a primary key, unique constraint or exclusion (default names too)', () => {
    const s = mustParse(`
tables:
  a:
    columns: { id: { type: int, primary_key: true }, k: int }
    indexes: { a_k: { columns: [k] } }
    cluster_on: a_k
  b:
    columns: { id: { type: int, primary_key: true } }
    cluster_on: b_pkey
  c:
    columns: { id: int, k: { type: int, unique: true } }
    cluster_on: c_k_key
  d:
    columns: { r: int4range }
    exclusions: { d_r_excl: { using: gist, elements: [{ column: r, operator: '&&' }] } }
    cluster_on: d_r_excl
  'Odd "T"':
    columns: { x: int }
    indexes: { 'Odd "Ix"': { columns: [x] } }
    cluster_on: 'Odd "Ix"'
`);
    expect(s.tables['a']!.clusterOn).toBe('a_k');
    expect(s.tables['b']!.clusterOn).toBe('b_pkey');
    expect(s.tables['c']!.clusterOn).toBe('c_k_key');
    expect(s.tables['d']!.clusterOn).toBe('d_r_excl');
    expect(s.tables['"Odd ""T"""']!.clusterOn).toBe('Odd "Ix"');
  });

  it('is absent when not written', () => {
    const s = mustParse('tables:\n  t:\n    columns: { id: int }\n');
    expect('clusterOn' in s.tables['t']!).toBe(false);
  });

  it('accepts a partition clustering on an index it gets from its parent (not declared on the partition)', () => {
    const s = mustParse(`
tables:
  ev:
    columns: { id: int, at: date }
    partition_by: range (at)
    indexes: { ev_at_idx: { columns: [at] } }
  ev_2024:
    partition_of: { parent: ev, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" }
    cluster_on: ev_2024_at_idx
`);
    expect(s.tables['ev_2024']!.clusterOn).toBe('ev_2024_at_idx');
  });

  /** issue parses `yaml` and returns its only issue, checked to be located where `cluster_on` is written. */
  function issue(yaml: string, line: number) {
    const r = parseYaml(yaml);
    expect(r.schema).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    const i = r.issues[0]!;
    expect(i.loc).toMatchObject({ file: 'schema/f0.yaml', line });
    const text = formatIssue(i);
    expect(text).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
    return i;
  }

  it('refuses an index the table does not have, suggesting the close name', () => {
    const i = issue(
      `tables:
  orders:
    columns: { id: { type: int, primary_key: true }, at: timestamptz }
    indexes: { orders_at_idx: { columns: [at] } }
    cluster_on: orders_at_ix
`,
      5,
    );
    expect(i.code).toBe('missing-reference');
    expect(i.message).toBe(
      '`cluster_on` of table `orders` names index `orders_at_ix`, which table `orders` does not have',
    );
    expect(i.hint).toBe('did you mean `orders_at_idx`?');
  });

  it('lists the indexes there are when no name is close, and says so when there are none', () => {
    const far = issue(
      `tables:
  orders:
    columns: { id: { type: int, primary_key: true }, at: timestamptz }
    indexes: { orders_at_idx: { columns: [at] } }
    cluster_on: something_else
`,
      5,
    );
    expect(far.hint).toBe('name one of its indexes: `orders_at_idx`, `orders_pkey`');
    const none = issue('tables:\n  bare:\n    columns: { id: int }\n    cluster_on: bare_pkey\n', 4);
    expect(none.hint).toBe('table `bare` has no index: declare one under its `indexes:`');
  });

  it('refuses an index in another table: an index is marked on its own table', () => {
    const i = issue(
      `tables:
  a:
    columns: { id: int }
    indexes: { a_id: { columns: [id] } }
  b:
    columns: { id: int }
    cluster_on: a_id
`,
      7,
    );
    expect(i.message).toContain('names index `a_id`, which table `b` does not have');
  });

  it('refuses what PostgreSQL cannot mark: a hash (or gin, brin, spgist) index, a partial index, a partitioned table', () => {
    const hash = issue(
      'tables:\n  t:\n    columns: { b: text }\n    indexes: { t_b: { columns: [b], using: hash } }\n    cluster_on: t_b\n',
      5,
    );
    expect(hash.code).toBe('invalid-value');
    expect(hash.message).toContain('a hash index: PostgreSQL cannot cluster on that index method');
    expect(hash.hint).toBe('cluster on a btree or gist index');
    expect(hash.related).toMatchObject({ line: 4 });
    const partial = issue(
      'tables:\n  t:\n    columns: { b: int }\n    indexes: { t_b: { columns: [b], where: "b > 0" } }\n    cluster_on: t_b\n',
      5,
    );
    expect(partial.message).toContain('a partial index');
    expect(partial.hint).toBe('cluster on an index without `where`');
    const parted = issue(
      'tables:\n  p:\n    columns: { id: int }\n    primary_key: [id]\n    partition_by: list (id)\n    cluster_on: p_pkey\n',
      6,
    );
    expect(parted.message).toContain('is partitioned');
    expect(parted.hint).toBe('put `cluster_on` on its partitions instead');
  });

  it('must be a name', () => {
    const r = parseYaml('tables:\n  t:\n    columns: { id: int }\n    cluster_on: [a, b]\n');
    expect(r.issues.map((i) => [i.code, i.loc?.line])).toEqual([['wrong-type', 4]]);
  });
});

/** `replica_identity: { index }` is checked the same way: an index of the table PostgreSQL can use for it. */
describe('replica_identity: { index }', () => {
  const table = (cols: string, rest: string) => `tables:\n  feed:\n    columns: ${cols}\n${rest}`;
  const COLS = '{ id: { type: int, primary_key: true }, k: { type: int, nullable: false }, n: int }';

  it('names a unique index over NOT NULL columns, the primary key or a unique constraint', () => {
    const s = mustParse(
      table(
        COLS,
        '    indexes: { feed_k: { columns: [k], unique: true } }\n    replica_identity: { index: feed_k }\n',
      ) + `  keyed:\n    columns: ${COLS}\n    replica_identity: { index: keyed_pkey }\n`,
    );
    expect(s.tables['feed']!.replicaIdentityIndex).toBe('feed_k');
    expect(s.tables['keyed']!.replicaIdentityIndex).toBe('keyed_pkey');
  });

  function only(yaml: string) {
    const r = parseYaml(yaml);
    expect(r.schema).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    return r.issues[0]!;
  }

  it('refuses an index the table does not have, located, with the close name', () => {
    const i = only(
      table(
        COLS,
        '    indexes: { feed_k: { columns: [k], unique: true } }\n    replica_identity: { index: feed_kk }\n',
      ),
    );
    expect(i.code).toBe('missing-reference');
    expect(i.loc).toMatchObject({ file: 'schema/f0.yaml', line: 5 });
    expect(i.message).toBe(
      '`replica_identity` of table `feed` names index `feed_kk`, which table `feed` does not have',
    );
    expect(i.hint).toBe('did you mean `feed_k`?');
  });

  it('refuses an index PostgreSQL cannot use: not unique, partial, over a nullable column', () => {
    const plain = only(
      table(COLS, '    indexes: { feed_k: { columns: [k] } }\n    replica_identity: { index: feed_k }\n'),
    );
    expect(plain.code).toBe('invalid-value');
    expect(plain.message).toBe(
      '`replica_identity` of table `feed` names index `feed_k`, which is not unique: PostgreSQL cannot use it',
    );
    expect(plain.hint).toBe('use a unique index, or `replica_identity: full`');
    expect(plain.related).toMatchObject({ line: 4 });
    const partial = only(
      table(
        COLS,
        '    indexes: { feed_k: { columns: [k], unique: true, where: "k > 0" } }\n    replica_identity: { index: feed_k }\n',
      ),
    );
    expect(partial.message).toContain('a partial index');
    const nullable = only(
      table(COLS, '    indexes: { feed_n: { columns: [n], unique: true } }\n    replica_identity: { index: feed_n }\n'),
    );
    expect(nullable.message).toContain('over column `n`, which is nullable');
    expect(nullable.hint).toBe('declare `n` with `nullable: false`');
  });
});

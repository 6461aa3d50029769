import { describe, expect, it } from 'vitest';
import { plannerClassifier } from '../../src/deploy/engine.js';
import { reverseHints } from '../../src/plan/reverse.js';
import { planMigration } from '../../src/plan/index.js';
import type { Schema, Table } from '../../src/model/types.js';
import { tablesSchema } from '../deploy/fake-store.js';

/** withHint sets renamedFrom on a column (or the table when column is undefined). */
function withHint(s: Schema, table: string, column: string | undefined, from: string): Schema {
  const t = s.tables[table]!;
  const nt: Table =
    column === undefined
      ? { ...t, renamedFrom: from }
      : { ...t, columns: t.columns.map((c) => (c.name === column ? { ...c, renamedFrom: from } : c)) };
  return { ...s, tables: { ...s.tables, [table]: nt } };
}

describe('down edges across renames', () => {
  it('a column rename is undone by renaming back, not by drop + add', async () => {
    const parent = tablesSchema({ users: ['id', 'nick'] });
    const child = withHint(tablesSchema({ users: ['id', 'nickname'] }), 'users', 'nickname', 'nick');
    // the planner alone (no reverse hints) would drop the column: that is what the reverse hints prevent
    expect(planMigration(child, parent).steps.some((s) => s.destructive)).toBe(true);
    const steps = await plannerClassifier(child, parent);
    expect(steps.some((s) => s.destructive)).toBe(false);
    expect(steps.map((s) => s.what).join('\n')).toMatch(/rename/);
    expect(reverseHints(child, parent).tables.users!.columns.find((c) => c.name === 'nick')!.renamedFrom).toBe(
      'nickname',
    );
  });

  it('a table rename with a column rename inside is undone without data loss', async () => {
    const parent = tablesSchema({ people: ['id', 'nick'] });
    const child = withHint(
      withHint(tablesSchema({ users: ['id', 'nickname'] }), 'users', undefined, 'people'),
      'users',
      'nickname',
      'nick',
    );
    const steps = await plannerClassifier(child, parent);
    expect(steps.some((s) => s.destructive)).toBe(false);
    expect(steps.length).toBeGreaterThanOrEqual(2);
  });

  it('a dropped column is still destructive to bring back... and an added one destructive to remove', async () => {
    const parent = tablesSchema({ users: ['id'] });
    const child = tablesSchema({ users: ['id', 'email'] });
    expect((await plannerClassifier(child, parent)).filter((s) => s.destructive).map((s) => s.object)).toEqual([
      'users.email',
    ]);
    expect(reverseHints(child, parent)).toBe(parent);
  });
});

/**
 * `schemaver revert REV`: the schema/ files and SQL of a new commit that undoes REV. Reverting HEAD gives back
 * its parent's files byte for byte and stores REV's down script as the new up (and its up as the new down), so
 * a data-only commit is undone by its own down SQL; reverting an older commit is a three-way merge
 * (base REV, ours HEAD, theirs REV's parent) whose migration is planned from HEAD. Either way the commit is then
 * made and proven by `commit`, like any other.
 */
import { SchemaverError, negative } from '../errors.js';
import type { SourceFile } from '../parse/index.js';
import type { Store } from '../store/index.js';
import { merge3 } from '../merge/index.js';
import { layoutFiles } from '../merge/layout.js';
import { schemaRefHeader, schemaToYamlDoc, stringifyYaml, writeSchemaYaml } from '../yaml/index.js';

/** RevertPlan is what the revert commit holds: its files, its message, and SQL when it reuses the reverted edge's. */
export interface RevertPlan {
  readonly reverted: string;
  readonly files: readonly SourceFile[];
  readonly message: string;
  /** sql: REV's own scripts swapped (down becomes up), when they are the exact reverse; else the migration is planned. */
  readonly sql?: { readonly up: string; readonly down: string };
}

/** planRevert computes the commit that undoes `rev` on top of HEAD; conflicts with later commits are refused (exit 1). */
export async function planRevert(store: Store, rev: string): Promise<RevertPlan> {
  const id = await store.resolve(rev);
  const head = await store.head();
  const info = await store.readCommit(id);
  const subject = info.message.split('\n')[0];
  const message = `Revert "${subject}"\n\nThis reverts commit ${id}.`;
  if (info.parents.length !== 1)
    throw new SchemaverError({
      code: 'revert-unsupported',
      message: info.parents.length
        ? `${id.slice(0, 7)} is a merge commit; which side to revert to is not defined`
        : `${id.slice(0, 7)} is the root commit; reverting it would remove every object`,
      hint: info.parents.length
        ? 'revert the commits of the merged branch one by one, or `schemaver checkout --force <parent> -- ` and commit'
        : 'use `schemaver reset --hard` if the history is still local',
      exit: 2,
    });
  if (!head || !(await store.isAncestor(id, head)))
    throw new SchemaverError({
      code: 'revert-not-ancestor',
      message: `${id.slice(0, 7)} is not in HEAD's history; there is nothing to revert`,
      hint: 'give a commit listed by `schemaver log`',
      exit: 2,
    });
  const parent = info.parents[0]!;
  const [mig] = await store.readMigrations(id);
  const swap = mig && mig.steps.every((s) => s.reversible) ? { up: mig.down, down: mig.up } : undefined;
  if (head === id)
    return { reverted: id, files: await store.readFiles(parent), message, ...(swap ? { sql: swap } : {}) };
  const [c, p, h] = [await store.readSnapshot(id), await store.readSnapshot(parent), await store.readSnapshot(head)];
  if (c.schemaHash === p.schemaHash) {
    // a data-only (or comment-only) commit: the schema stays HEAD's; its down script is the reverse
    if (!swap?.up.trim())
      throw negative(
        'nothing-to-revert',
        `${id.slice(0, 7)} changed no schema and stores no down script; there is nothing to undo`,
        'undo its data change with a data-only commit: `schemaver commit -m ... --up FILE`',
        { commit: id },
      );
    return { reverted: id, files: h.files, message, sql: swap };
  }
  const r = merge3(c.schema, h.schema, p.schema);
  if (r.conflicts.length)
    throw negative(
      'revert-conflict',
      `reverting ${id.slice(0, 7)} conflicts with later commits: ${r.conflicts.map((x) => x.message).join('; ')}`,
      'edit schema/ by hand to the state you want and commit it, or revert the later commits first',
      { conflicts: r.conflicts },
    );
  const files = layoutFiles({
    ours: h,
    theirs: p,
    merged: r.schema,
    write: (s, path) => schemaRefHeader(path) + stringifyYaml(schemaToYamlDoc(s)),
    writeAll: (s) => writeSchemaYaml(s),
  });
  return { reverted: id, files, message };
}

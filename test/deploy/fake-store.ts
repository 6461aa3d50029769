/**
 * An in-memory commit graph that behaves like the Store for deploys: hand-made commits with hand-written
 * up/down SQL, branches, tags, HEAD and revision syntax (id, prefix, branch, tag, HEAD, HEAD~N, REV^N).
 */
import { createHash } from 'node:crypto';
import { SchemaverError } from '../../src/errors.js';
import { blobId } from '../../src/store/objects.js';
import type { Migration, StepSummary } from '../../src/model/plan.js';
import { emptySchema, type Schema, type Table } from '../../src/model/types.js';
import type { CommitInfo, Snapshot } from '../../src/store/index.js';
import type { DeployStore, DownClassifier } from '../../src/deploy/path.js';

/** FakeEdge is a hand-written migration from a parent. */
export interface FakeEdge {
  readonly parent: string; // '' = nothing
  readonly up: string;
  readonly down: string;
  readonly steps?: readonly Partial<StepSummary>[];
}

/** tablesSchema makes a Schema holding tables with text columns (enough for the fake down classifier). */
export function tablesSchema(tables: Record<string, string[]>): Schema {
  const out: Record<string, Table> = {};
  for (const [name, cols] of Object.entries(tables)) {
    out[name] = {
      kind: 'table',
      schema: 'public',
      name,
      columns: cols.map((c) => ({ kind: 'column', name: c, type: 'text', nullable: true })),
      uniques: {},
      checks: {},
      foreignKeys: {},
      exclusions: {},
      indexes: {},
      triggers: {},
      policies: {},
    };
  }
  return { ...emptySchema(), tables: out };
}

/** columnClassifier flags dropped tables and columns of a down edge as destructive (a stand-in for the planner). */
export const columnClassifier: DownClassifier = (from, to) => {
  const steps: StepSummary[] = [];
  for (const [id, t] of Object.entries(from.tables)) {
    const other = to.tables[id];
    if (!other) {
      steps.push({
        what: `drop table ${id}`,
        object: id,
        destructive: true,
        rewrite: false,
        lock: true,
        reversible: true,
      });
      continue;
    }
    for (const c of t.columns) {
      if (!other.columns.some((o) => o.name === c.name)) {
        steps.push({
          what: `drop column ${id}.${c.name}`,
          object: `${id}.${c.name}`,
          destructive: true,
          rewrite: false,
          lock: true,
          reversible: true,
        });
      }
    }
  }
  return steps;
};

/** FakeStore is the in-memory store. */
export class FakeStore implements DeployStore {
  readonly snaps = new Map<string, Snapshot>();
  readonly refs = new Map<string, string>(); // branch -> id
  readonly tagRefs = new Map<string, string>();
  headRef: { branch: string } | { detached: string } = { branch: 'main' };
  private n = 0;

  /** add writes a commit on `branch` (default: HEAD's branch) and moves the branch. */
  add(
    message: string,
    schema: Schema,
    edges: readonly FakeEdge[],
    opts: { branch?: string; parents?: string[] } = {},
  ): string {
    const parents = opts.parents ?? edges.map((e) => e.parent).filter((p) => p !== '');
    const id = createHash('sha1')
      .update(`${this.n++}\0${message}\0${parents.join(',')}`)
      .digest('hex');
    const hash = `sv1:${createHash('sha256').update(JSON.stringify(schema)).digest('hex')}`;
    const migrations: Migration[] = edges.map((e) => ({
      parent: e.parent,
      fromHash: e.parent ? this.snaps.get(e.parent)!.schemaHash : `sv1:empty`,
      toHash: hash,
      up: e.up,
      down: e.down,
      scriptIds: { up: blobId(e.up), down: blobId(e.down) }, // as a real store records them
      steps: (e.steps ?? []).map((s) => ({
        what: s.what ?? 'step',
        object: s.object ?? '',
        destructive: s.destructive ?? false,
        rewrite: false,
        lock: false,
        reversible: s.reversible ?? true,
      })),
    }));
    this.snaps.set(id, {
      id,
      parents,
      message,
      author: { name: 't', email: 't@example.com', timestamp: 1_700_000_000 + this.n },
      schemaHash: hash,
      schema,
      files: [],
      migrations,
    });
    const branch = opts.branch ?? ('branch' in this.headRef ? this.headRef.branch : undefined);
    if (branch) this.refs.set(branch, id);
    else this.headRef = { detached: id };
    return id;
  }

  async head(): Promise<string | undefined> {
    return 'branch' in this.headRef ? this.refs.get(this.headRef.branch) : this.headRef.detached;
  }
  async currentBranch(): Promise<string | undefined> {
    return 'branch' in this.headRef ? this.headRef.branch : undefined;
  }
  async resolve(rev: string): Promise<string> {
    const m = /^(.*?)(?:~(\d+)|\^(\d+))$/.exec(rev);
    if (m) {
      let id = await this.resolve(m[1]!);
      if (m[2] !== undefined) for (let i = 0; i < Number(m[2]); i++) id = this.parentOf(id, 0, rev);
      else id = this.parentOf(id, Number(m[3]) - 1, rev);
      return id;
    }
    if (rev === 'HEAD') {
      const h = await this.head();
      if (h) return h;
    }
    const named = this.refs.get(rev) ?? this.tagRefs.get(rev);
    if (named) return named;
    if (/^[0-9a-f]{4,40}$/.test(rev)) {
      const hits = [...this.snaps.keys()].filter((k) => k.startsWith(rev));
      if (hits.length === 1) return hits[0]!;
    }
    throw new SchemaverError({ code: 'unknown-revision', message: `unknown revision ${rev}`, exit: 2 });
  }
  private parentOf(id: string, i: number, rev: string): string {
    const p = this.snaps.get(id)!.parents[i];
    if (!p) throw new SchemaverError({ code: 'unknown-revision', message: `unknown revision ${rev}`, exit: 2 });
    return p;
  }
  async readCommit(id: string): Promise<CommitInfo> {
    const s = this.snaps.get(id);
    if (!s) throw new SchemaverError({ code: 'unknown-revision', message: `unknown commit ${id}`, exit: 2 });
    const { schema: _s, files: _f, migrations: _m, ...info } = s;
    return info;
  }
  async readSnapshot(id: string): Promise<Snapshot> {
    const s = this.snaps.get(id);
    if (!s) throw new SchemaverError({ code: 'unknown-revision', message: `unknown commit ${id}`, exit: 2 });
    return s;
  }
  async log(start: string): Promise<CommitInfo[]> {
    const out: CommitInfo[] = [];
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length) {
      const id = todo.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const c = await this.readCommit(id);
      out.push(c);
      todo.push(...c.parents);
    }
    return out;
  }
  async branches(): Promise<{ name: string; id: string }[]> {
    return [...this.refs].map(([name, id]) => ({ name, id }));
  }
  async tags(): Promise<{ name: string; id: string }[]> {
    return [...this.tagRefs].map(([name, id]) => ({ name, id }));
  }
}

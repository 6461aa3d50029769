/**
 * Reading commit snapshots strictly: commit and tree objects parsed (cached), files and JSON of a commit's
 * tree, migrations whole or corrupt-store, and checkObjects, the once-per-store soundness check of HEAD's
 * snapshot and history that Store.head() runs. GitStore (./repo.ts) delegates its reads here.
 */
import { SchemaverError, invalidSchema } from '../errors.js';
import type { SourceFile } from '../parse/index.js';
import type { Migration } from '../model/plan.js';
import type { Schema } from '../model/types.js';
import type { CommitInfo } from './index.js';
import { ObjectReader, corruptStore, type Where } from './read.js';
import { parseCommit, parseTree, type ParsedCommit, type TreeEntry } from './gitparse.js';
import { FORMAT, SNAPSHOT_FILE, migrationDir, readMigration, splitMessage, type SchemaverJson } from './layout.js';

/** SnapshotReader reads the commits of one store (caches live as long as the open store). */
export class SnapshotReader {
  private readonly commits = new Map<string, ParsedCommit>();
  private readonly trees = new Map<string, TreeEntry[]>();
  private readonly infos = new Map<string, CommitInfo>();
  /** schemas: the snapshot models read (a commit's snapshot never changes; `plan A B` reads A's twice). */
  private readonly schemas = new Map<string, Schema>();
  /** checked holds the commits whose snapshot and history checkObjects found sound. */
  readonly checked = new Set<string>();

  constructor(readonly objects: ObjectReader) {}

  /** parsed reads and parses a commit object (cached). */
  parsed(id: string): ParsedCommit {
    let c = this.commits.get(id);
    if (!c) {
      c = parseCommit(id, this.objects.readTyped(id, 'commit', { commit: id }), { commit: id });
      this.commits.set(id, c);
    }
    return c;
  }

  /** readCommit reads a commit's log fields (cached). */
  async readCommit(id: string): Promise<CommitInfo> {
    const hit = this.infos.get(id);
    if (hit) return hit;
    const c = this.parsed(id);
    const { message, hash } = splitMessage(c.message);
    const info: CommitInfo = {
      id,
      parents: c.parents,
      message,
      author: c.author,
      schemaHash: hash ?? (await this.readSchemaverJson(id)).hash,
    };
    this.infos.set(id, info);
    return info;
  }

  /** readSchemaverJson reads `schemaver.json` of a commit. */
  async readSchemaverJson(id: string): Promise<SchemaverJson> {
    const text = this.readText(id, 'schemaver.json');
    if (text === undefined) return { format: FORMAT, hash: '', renames: [] };
    return parseJson<SchemaverJson>(text, id, 'schemaver.json');
  }

  /** tree reads and parses a tree object (cached). */
  tree(oid: string, where: Where): TreeEntry[] {
    let t = this.trees.get(oid);
    if (!t) {
      t = parseTree(oid, this.objects.readTyped(oid, 'tree', where), where);
      this.trees.set(oid, t);
    }
    return t;
  }

  /** entry finds the tree entry at `path` in a commit's tree (undefined when the path is absent). */
  entry(id: string, path: string): TreeEntry | undefined {
    let oid = this.parsed(id).tree;
    let at = '';
    let found: TreeEntry | undefined;
    for (const part of path.split('/')) {
      if (found && found.type !== 'tree') return undefined;
      found = this.tree(oid, { commit: id, path: at }).find((e) => e.name === part);
      if (!found) return undefined;
      oid = found.oid;
      at = at ? `${at}/${part}` : part;
    }
    return found;
  }

  /** readText reads a file of a commit's tree as UTF-8, or undefined when the tree has no such path. */
  readText(id: string, path: string): string | undefined {
    const e = this.entry(id, path);
    if (!e) return undefined;
    return this.objects.readTyped(e.oid, 'blob', { commit: id, path }).toString('utf8');
  }

  /** listTree lists the blobs below `dir` of a commit's tree recursively as path -> blob id ({} when absent). */
  listTree(id: string, dir: string): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (oid: string, prefix: string): void => {
      for (const e of this.tree(oid, { commit: id, path: prefix })) {
        const p = `${prefix}/${e.name}`;
        if (e.type === 'tree') walk(e.oid, p);
        else if (e.type === 'blob') out.set(p, e.oid);
      }
    };
    const sub = this.entry(id, dir);
    if (sub?.type === 'tree') walk(sub.oid, dir);
    return out;
  }

  /**
   * checkObjects makes sure every object of a commit's tree is present and sound (loose objects read and
   * hashed, packed ones in a pack whose checksums hold), once per open store: commands that read or build on
   * HEAD refuse a damaged snapshot instead of reading part of it as empty. corrupt-store otherwise.
   */
  checkObjects(id: string): void {
    if (this.checked.has(id)) return;
    // the loose objects listed once (a directory read each) rather than a stat per blob of the tree (a thousand-table
    // snapshot's tree holds over a thousand, mostly packed)
    const loose = new Set(this.objects.looseIds());
    const walk = (oid: string, prefix: string): void => {
      for (const e of this.tree(oid, { commit: id, path: prefix })) {
        const p = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.type === 'tree') walk(e.oid, p);
        else if (e.type === 'blob') this.objects.check(e.oid, 'blob', { commit: id, path: p }, loose);
      }
    };
    walk(this.parsed(id).tree, '');
    // and the commit objects of its history (what log, merge-base and deploy paths walk): headers only
    const seen = new Set<string>();
    const stack = [...this.parsed(id).parents];
    while (stack.length) {
      const c = stack.pop()!;
      if (seen.has(c) || this.checked.has(c)) continue;
      seen.add(c);
      stack.push(...this.parsed(c).parents);
    }
    this.checked.add(id);
  }

  /** readBlob reads a blob by id, checked. */
  async readBlob(oid: string, where?: Where): Promise<Buffer> {
    return this.objects.readTyped(oid, 'blob', where);
  }

  /** schemaFileIds lists `schema/**` of a commit as path -> git blob id, without reading the blobs (fast dirty checks). */
  async schemaFileIds(id: string): Promise<Map<string, string>> {
    return this.listTree(id, 'schema');
  }

  /** readFiles returns the `schema/**` files of a commit, byte for byte, sorted by path. */
  async readFiles(id: string): Promise<SourceFile[]> {
    const ids = await this.schemaFileIds(id);
    const files: SourceFile[] = [];
    for (const [path, oid] of [...ids].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      files.push({ path, text: this.objects.readTyped(oid, 'blob', { commit: id, path }).toString('utf8') });
    }
    return files;
  }

  /**
   * readMigrations returns the stored migrations of a commit, in the order of its parents. A migration
   * directory is whole or corrupt-store: steps.json, up.sql and down.sql all present and sound; each script
   * carries the blob id the tree recorded for it (scriptIds), which deploys check again before running it.
   */
  async readMigrations(id: string): Promise<Migration[]> {
    const info = await this.readCommit(id);
    const dirs = info.parents.length ? info.parents.map(migrationDir) : [migrationDir('')];
    const out: Migration[] = [];
    for (const dir of dirs) {
      const base = `migrations/${dir}`;
      if (!this.entry(id, base)) continue; // no migration stored for this parent (fsck reports it)
      const read = (name: string) => {
        const e = this.entry(id, `${base}/${name}`);
        if (!e || e.type !== 'blob')
          throw corruptStore(`${base}/${name} of commit ${id.slice(0, 7)} is missing from its tree`, {
            commit: id,
            path: `${base}/${name}`,
            problem: 'missing-entry',
          });
        return {
          text: this.objects.readTyped(e.oid, 'blob', { commit: id, path: `${base}/${name}` }).toString('utf8'),
          oid: e.oid,
        };
      };
      const steps = read('steps.json');
      const up = read('up.sql');
      const down = read('down.sql');
      const m = readMigration(dir, up.text, down.text, steps.text, id);
      out.push({ ...m, scriptIds: { up: up.oid, down: down.oid } });
    }
    return out;
  }

  /** readSchema returns the model a commit stored (snapshot.json), or parses its files when it has none (old stores). */
  async readSchema(id: string, files?: readonly SourceFile[]): Promise<Schema> {
    const hit = this.schemas.get(id);
    if (hit) return hit;
    const stored = this.readText(id, SNAPSHOT_FILE);
    if (stored !== undefined) {
      const schema = parseJson<Schema>(stored, id, SNAPSHOT_FILE);
      if (schema && schema.kind === 'schema') {
        this.schemas.set(id, schema);
        return schema;
      }
      throw corruptStore(`${SNAPSHOT_FILE} of commit ${id.slice(0, 7)} is not a schema model`, {
        commit: id,
        path: SNAPSHOT_FILE,
        problem: 'unparseable',
      });
    }
    // only for stores written before snapshot.json (so the YAML parser loads for them alone)
    const { parseSchemaFiles } = await import('../parse/index.js');
    const parsed = parseSchemaFiles(files ?? (await this.readFiles(id)));
    if (!parsed.schema) {
      const err = invalidSchema(parsed.issues);
      throw new SchemaverError({
        code: 'unreadable-snapshot',
        message: `the schema files of commit ${id.slice(0, 7)} no longer parse: ${err.message}`,
        hint: 'this schemaver version reads the YAML differently from the one that committed it',
        issues: parsed.issues,
        exit: 3,
      });
    }
    return parsed.schema;
  }
}

/** parseJson parses a JSON file of a commit's tree, or throws corrupt-store naming it. */
function parseJson<T>(text: string, commit: string, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw corruptStore(`${path} of commit ${commit.slice(0, 7)} is not valid JSON`, {
      commit,
      path,
      problem: 'unparseable',
    });
  }
}

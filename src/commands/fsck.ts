import { BaseCommand } from '../cli/base.js';
import type { FsckResult } from '../store/fsck.js';
import { findProjectRoot } from '../app/project.js';
import { schemaHash } from '../canon/index.js';
import { paint } from '../cli/term.js';
import { fsck } from '../store/fsck.js';
import { openStore } from '../store/index.js';

/** Fsck checks the whole store and says how to recover from each problem it finds. */
export default class Fsck extends BaseCommand {
  static override summary = 'Check the whole store: objects, snapshots, migrations, refs, packs, journal and cache.';
  static override description = `Reads and hashes every object reachable from every branch, tag and HEAD; checks that each snapshot.json hashes to the schema hash its commit records, that every commit stores a whole migration (steps.json, up.sql, down.sql) from each parent, that refs are well formed and name commits, that packs agree with their indexes, and that loose objects are sound even when nothing reaches them. Reports interrupted operations, leftover temp files and an unreadable cache. Each finding says how to recover — usually from your application repository's history of .schemaver/ (\`git checkout -- .schemaver\`). Exit 0 when the store is sound (warnings allowed), 3 when it is damaged.`;

  static override examples = ['<%= config.bin %> fsck', '<%= config.bin %> fsck --json'];

  async run(): Promise<FsckResult> {
    await this.parse(Fsck);
    const store = await openStore(findProjectRoot(this.root)); // exit 2 when there is no store
    const r = await fsck(store.gitdir, (m) => schemaHash(m as never));
    const c = paint(process.stdout);
    for (const f of r.findings) {
      const tag = f.severity === 'error' ? c.red('error') : c.yellow('warning');
      this.print(`${tag}[${f.code}]: ${f.message}`);
      this.print(`  fix: ${f.fix}`);
    }
    const k = r.checked;
    this.print(
      `${r.ok ? 'store is sound' : 'store is damaged'}: ${k.commits} commit(s), ${k.objects} object(s) reachable, ${k.refs} ref(s), ${k.packs} pack(s), ${k.loose} loose object(s) checked`,
    );
    if (!r.ok) process.exitCode = 3;
    return r;
  }
}

import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { urlFlag } from '../deploy/flags.js';
import type { StampResult } from '../deploy/status.js';
import { renderStamp } from '../cli/move.js';
import { withDeploy } from '../deploy/session.js';
import { stamp } from '../deploy/status.js';
import { envFailure } from '../errors.js';

/** Stamp records a commit in a database without running any migration (baselining). */
export default class Stamp extends BaseCommand {
  static override summary = "Record REV as the database's commit without running any SQL.";
  static override description = `For a database whose schema already matches REV — typically after \`schemaver import\` read it into schema/ and you committed that — stamp writes schemaver_version so that later upgrades start from REV. Run \`schemaver check REV\` first to confirm the match. A database that already records another commit is refused unless --force. \`stamp base\` clears the record.`;

  static override examples = [
    '<%= config.bin %> stamp HEAD --url $DATABASE_URL',
    '<%= config.bin %> stamp v1',
    '<%= config.bin %> stamp base --force',
  ];

  static override args = {
    rev: Args.string({ description: 'Revision to record (or base: nothing).', required: true }),
  };

  static override flags = {
    url: urlFlag,
    force: Flags.boolean({ summary: 'Overwrite a different recorded commit.' }),
  };

  async run(): Promise<StampResult> {
    const { args, flags } = await this.parse(Stamp);
    const r = await withDeploy(
      {
        start: this.root,
        url: flags.url,
        create: true,
        revs: [args.rev],
        onWait: (l) => this.note(l),
        check: async (store) => void (args.rev === 'base' ? undefined : await store.resolve(args.rev)),
      },
      async (s) => {
        if (!s.target.db) throw envFailure('no-database', 'no database to stamp');
        return stamp(s.store, s.target.db, s.target.label, args.rev, { force: flags.force });
      },
    );
    this.print(renderStamp(r));
    return r;
  }
}

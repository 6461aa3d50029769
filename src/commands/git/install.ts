import { BaseCommand } from '../../cli/base.js';
import type { InstallResult } from '../../gitint/install.js';
import { findProjectRoot } from '../../app/project.js';
import { installGit } from '../../gitint/install.js';
import { openStore } from '../../store/index.js';

/** GitInstall sets up the integration of schemaver with the application's git repository. */
export default class GitInstall extends BaseCommand {
  static override summary =
    "Set up git integration: merge drivers, hooks and attributes, so git's merges merge schema.";
  static override description = `Run once per clone, in the project (the directory holding schema/ and .schemaver/) inside your app's git work tree; running it again changes nothing. It writes:
  - .gitattributes (a marked block): .schemaver/refs/** merge with the schemaver-ref driver, schema/**/*.yaml with schemaver-schema, store objects are binary and generated (no opaque text diffs in pull requests);
  - the two drivers in .git/config;
  - pre-merge-commit and post-checkout hooks (a marked block; existing hooks keep their content);
  - /HEAD in .schemaver/.gitignore, and untracks .schemaver/HEAD (a store without HEAD is on main).

The model: git's branches are the branches. Every git branch carries schemaver's main line in .schemaver/refs/heads/main; keep committing with \`schemaver commit\` and \`git commit\`. When \`git merge\` or \`git pull\` joins two branches that both made schemaver commits, the pre-merge-commit hook runs \`schemaver merge\` (semantic, both edges proven in PGlite) and stages the result into git's merge commit; a schema conflict stops git's commit with <<<conflict blocks in schema/, and \`schemaver merge --continue\` finishes both. After \`git rebase\` or \`git cherry-pick\` the replayed schema/ edits show in \`schemaver status\`: commit them on the new base. After \`git checkout\`, \`schemaver upgrade\` moves the dev database across branches (objects the checkout removed are kept in .schemaver/cache/recovered).`;

  static override examples = ['<%= config.bin %> git install', '<%= config.bin %> git install --json'];

  async run(): Promise<InstallResult> {
    await this.parse(GitInstall);
    const root = findProjectRoot(this.root);
    await openStore(root); // exit 2 with a hint when this is no schemaver project
    const r = await installGit(root);
    this.print(
      r.changed
        ? `git integration installed in ${r.top}: .gitattributes, merge drivers, hooks (${r.hooks.join(', ')})`
        : 'git integration already installed; nothing changed',
    );
    this.print(
      'commit .gitattributes and .schemaver/.gitignore with your app; other clones run `schemaver git install` once',
    );
    return r;
  }
}

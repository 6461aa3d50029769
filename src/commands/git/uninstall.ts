import { BaseCommand } from '../../cli/base.js';
import type { InstallResult } from '../../gitint/install.js';
import { findProjectRoot } from '../../app/project.js';
import { uninstallGit } from '../../gitint/install.js';

/** GitUninstall removes the git integration `git install` set up. */
export default class GitUninstall extends BaseCommand {
  static override summary =
    'Remove the git integration: the .gitattributes block, the merge drivers and the hook blocks.';
  static override description = `Removes exactly what \`schemaver git install\` wrote (the marked block of .gitattributes, the merge.schemaver-* config, the marked blocks of the hooks; hooks left empty are deleted). The /HEAD line of .schemaver/.gitignore stays. Running it again changes nothing.`;

  static override examples = ['<%= config.bin %> git uninstall'];

  async run(): Promise<InstallResult> {
    await this.parse(GitUninstall);
    const r = await uninstallGit(findProjectRoot(this.root));
    this.print(r.changed ? 'git integration removed' : 'git integration was not installed; nothing changed');
    return r;
  }
}

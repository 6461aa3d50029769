import { Args, loadHelpClass } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { SchemaverError } from '../errors.js';
import { didYouMean } from '../suggest.js';

/** Help shows the help of schemaver or of one command (`schemaver help commit` is `schemaver commit --help`). */
export default class Help extends BaseCommand {
  static override summary = 'Show help for schemaver or for one command.';
  static override description = `\`schemaver help\` lists the commands; \`schemaver help COMMAND\` shows what COMMAND does, its arguments, flags and examples (the same as \`schemaver COMMAND --help\`).`;
  static override examples = [
    '<%= config.bin %> help',
    '<%= config.bin %> help commit',
    '<%= config.bin %> help git install',
  ];
  static override strict = false;
  static override args = { command: Args.string({ description: 'The command to explain.', required: false }) };

  async run(): Promise<{ command: string | null }> {
    const { argv } = await this.parse(Help);
    const words = (argv as string[]).filter((a) => !a.startsWith('-'));
    const HelpClass = await loadHelpClass(this.config);
    const help = new HelpClass(this.config, this.config.pjson.oclif.helpOptions ?? {});
    if (!words.length) {
      await help.showHelp([]);
      return { command: null };
    }
    const id = words.join(':');
    if (!this.config.findCommand(id) && !this.config.findTopic(id)) {
      const ids = this.config.commands.map((c) => c.id.replace(/:/g, ' '));
      throw new SchemaverError({
        code: 'unknown-command',
        message: `there is no command \`${words.join(' ')}\``,
        hint: didYouMean(words.join(' '), ids) ?? "run 'schemaver help' to see the commands",
        exit: 2,
      });
    }
    await help.showHelp([id]);
    return { command: words.join(' ') };
  }
}

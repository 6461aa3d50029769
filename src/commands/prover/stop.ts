import { BaseCommand } from '../../cli/base.js';
import { stopProver, type StopResult } from '../../app/prover.js';
import { renderProverStop } from '../../cli/prover.js';

/** ProverStop stops the warm prover. */
export default class ProverStopCommand extends BaseCommand {
  static override summary = "Stop this user's warm provers (the next command that proves starts one again).";
  static override description = `Asks every warm prover of this user (every build) to exit and waits until each has. A command proving on one at that moment proves again on its own worker. To keep commands from starting one again, set SCHEMAVER_PROVER=0 (see \`schemaver prover status --help\`).`;

  static override examples = ['<%= config.bin %> prover stop', '<%= config.bin %> prover stop --json'];

  async run(): Promise<StopResult> {
    await this.parse(ProverStopCommand);
    const r = await stopProver();
    this.printLines(renderProverStop(r));
    return r;
  }
}

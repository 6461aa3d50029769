/**
 * The body of `schemaver plan` (commands/plan.ts declares its flags and help for oclif): shared by the oclif command
 * and the fast path (fast.ts), which runs it without loading the CLI framework.
 */
import type { PlanResult } from '../../app/plan.js';
import { planRevisions } from '../../app/plan.js';
import { sqlComment } from '../../sql/quote.js';
import type { CommandIo } from '../render.js';

/** PlanFlags are plan's flags as oclif parses them (fast.ts parses the same, without --exclude). */
export interface PlanFlags {
  readonly down?: boolean | undefined;
  readonly online?: boolean | undefined;
  readonly exclude?: readonly string[] | undefined;
}

/** PlanArgs are plan's two revisions as given (either may be missing: oclif's parse). */
export interface PlanArgs {
  readonly a?: string | undefined;
  readonly b?: string | undefined;
}

/** run prints the migration between two revisions as `schemaver plan` with `flags` and `args` does. */
export async function run(io: CommandIo, flags: PlanFlags, args: PlanArgs): Promise<PlanResult> {
  let a = args.a ?? 'HEAD';
  let b = args.b ?? 'WORKING';
  if (args.a && !args.b && args.a.includes('..'))
    [a, b] = args.a.split('..', 2).map((x, i) => x || (i === 0 ? 'HEAD' : 'WORKING')) as [string, string];
  const r = await planRevisions(io.root, a, b, {
    down: Boolean(flags.down),
    exclude: flags.exclude ?? [],
    ...(flags.online !== undefined ? { online: flags.online } : {}),
  });
  const label = (s: PlanResult['from']) => `${s.rev}${s.id ? ` (${s.id.slice(0, 7)})` : ''}`;
  const [x, y] = flags.down ? [r.to, r.from] : [r.from, r.to];
  io.print(sqlComment(`schemaver ${r.direction} migration ${label(x)} -> ${label(y)}`));
  io.print(sqlComment(`from ${x.hash}\nto   ${y.hash}`));
  const lossy = r.steps.filter((s) => s.destructive);
  if (lossy.length) io.print(sqlComment(`WARNING: destructive steps: ${lossy.map((s) => s.what).join('; ')}`));
  if (flags.down && r.irreversible.length)
    io.print(sqlComment(`WARNING: irreversible steps (no down SQL): ${r.irreversible.join('; ')}`));
  if (r.hazards.length)
    io.print(
      sqlComment(
        [
          `hazards under live traffic (squawk rules; \`schemaver lint\` explains${r.online ? '' : ', `--online` avoids most'}):`,
          ...r.hazards.map((h) => `  ${h.rule} (${h.level}): ${h.step ?? h.statement}`),
        ].join('\n'),
      ),
    );
  io.print(r.steps.length ? `\n${r.sql}` : sqlComment('(no steps: the schemas are equal)'));
  return r;
}

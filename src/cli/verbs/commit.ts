/**
 * The body of `schemaver commit` (commands/commit.ts declares its flags and help for oclif): shared by the oclif
 * command and the fast path (fast.ts), which runs it without loading the CLI framework.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SchemaverError } from '../../errors.js';
import type { CommitResult } from '../../app/commit.js';
import { commitWorking } from '../../app/commit.js';
import { renderCommit } from '../commit.js';
import { spareCore, startVerifier } from '../../pg/offload.js';
import type { CommandIo } from '../render.js';

/** CommitFlags are commit's flags as oclif parses them (fast.ts parses the same). */
export interface CommitFlags {
  readonly message?: string | undefined;
  readonly amend?: boolean | undefined;
  readonly 'allow-destructive'?: boolean | undefined;
  readonly 'allow-empty-only'?: boolean | undefined;
  readonly online?: boolean | undefined;
  readonly verify?: boolean | undefined;
  readonly up?: string | undefined;
  readonly down?: string | undefined;
}

/** run commits schema/ as `schemaver commit` with `flags` does. */
export async function run(io: CommandIo, flags: CommitFlags): Promise<CommitResult> {
  if (flags.message === undefined && !flags.amend) {
    throw new SchemaverError({
      code: 'bad-usage',
      message: 'commit needs a message: -m MSG',
      hint: 'pass -m "what changed and why" (only --amend may reuse the amended commit\'s message)',
      exit: 2,
    });
  }
  if (flags.message !== undefined && !flags.message.trim()) {
    throw new SchemaverError({
      code: 'empty-message',
      message: 'the commit message is empty',
      hint: 'pass -m "what changed and why"',
      exit: 2,
    });
  }
  // PGlite compiles and restores a database on its own thread while schema/ is parsed and planned
  // and a helper restores an empty one, for the target side of a small edge (app/commit.ts)
  const verifier = flags.verify ? startVerifier({ deferSpare: true }) : undefined; // spare: the source's image (or empty)
  const helper = verifier && !verifier.remote && spareCore() ? startVerifier() : undefined;
  try {
    const hand = {
      ...(flags.up !== undefined ? { up: await readSql(io.root, flags.up) } : {}),
      ...(flags.down !== undefined ? { down: await readSql(io.root, flags.down) } : {}),
    };
    const r = await commitWorking(io.root, {
      ...(flags.message !== undefined ? { message: flags.message } : {}),
      amend: Boolean(flags.amend),
      allowDestructive: Boolean(flags['allow-destructive']),
      allowEmptyOnly: Boolean(flags['allow-empty-only']),
      ...(flags.online !== undefined ? { online: flags.online } : {}),
      hand,
      ...(verifier ? { verifier } : {}),
      ...(helper ? { helper } : {}),
      ...io.proofReports(),
    });
    io.print(renderCommit(r));
    return r.result;
  } finally {
    await Promise.all([verifier?.close(), helper?.close()]);
  }
}

/** readSql reads a hand-edited SQL file (exit 2 when unreadable). */
async function readSql(cwd: string, file: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new SchemaverError({
      code: 'unreadable-file',
      message: `cannot read ${file}: ${(e as Error).message}`,
      hint: 'give the path of an SQL file',
      exit: 2,
    });
  }
}

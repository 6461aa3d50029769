/**
 * What a failed proof means for the user. When the target schema itself does not compile in PostgreSQL it is the
 * user's schema (exit 2, located at the YAML node, see locate.ts), never a planner bug; when the target compiles
 * from nothing but the migration does not reproduce it, it is a planner bug, said so, with how to report it.
 */
import { invalidSchema, negative, SchemaverError } from '../errors.js';
import type { Schema } from '../model/types.js';
import { parseSchemaFiles, type SourceFile } from '../parse/index.js';
import { locateBuildFailures } from './locate.js';
import type { VerifyResult } from './verify.js';

/** ProofContext says where the failed edge came from, for the message. */
export interface ProofContext {
  /** handEdited: the up script was given with --up (then the SQL, not the planner, is to blame). */
  readonly handEdited?: boolean;
  /** from: the short id of the source commit, undefined for a root edge. */
  readonly from?: string;
  /** retry: the command to name in the --no-verify hint (`commit`, `merge`). */
  readonly retry: string;
}

/** isBuildFailure tells whether a proof failed because the target schema does not compile (verify.ts `failed`). */
export function isBuildFailure(result: VerifyResult): boolean {
  const build = (result.data as { build?: unknown } | undefined)?.build;
  return typeof build === 'string' && build.startsWith('the target schema');
}

/** proofFailure turns a failed proof into the error the user sees (exit 2 when the schema is to blame, else exit 1). */
export async function proofFailure(
  result: VerifyResult,
  working: { readonly schema: Schema; readonly files?: readonly SourceFile[] },
  ctx: ProofContext,
): Promise<SchemaverError> {
  if (isBuildFailure(result)) {
    const refs = working.files ? parseSchemaFiles(working.files).sql : [];
    const issues = await locateBuildFailures(working.schema, refs).catch(() => []);
    return invalidSchema(
      issues.length
        ? issues
        : [
            {
              code: 'schema-does-not-compile',
              message: `the schema does not compile in PostgreSQL: ${result.problems.join('; ')}`,
              hint: 'fix the SQL written in schema/ (`schemaver plan` shows the statements it becomes)',
            },
          ],
    );
  }
  const build = (result.data as { build?: unknown } | undefined)?.build;
  if (typeof build === 'string' && build.startsWith('the source schema'))
    return negative(
      'verification-failed',
      `the schema of the source commit${ctx.from ? ` ${ctx.from}` : ''} does not compile in PostgreSQL: ${build}`,
      'it was stored without a proof (--no-verify); fix schema/ and commit again, or check it out and repair it first',
      { problems: result.problems, detail: result.data },
    );
  if (ctx.handEdited)
    return negative(
      'verification-failed',
      `the migration does not reproduce the schema:\n  ${result.problems.join('\n  ')}`,
      'fix the hand-edited SQL, or drop --up to use the generated migration',
      { problems: result.problems, detail: result.data },
    );
  return negative(
    'verification-failed',
    `the schema compiles in PostgreSQL from nothing, but the migration${ctx.from ? ` from ${ctx.from}` : ''} does not reproduce it:\n  ${result.problems.join('\n  ')}`,
    `this is a bug in schemaver's planner, not in your schema: please report it with your schema/ files and the output of \`schemaver plan --json\`; ${ctx.retry} with --no-verify only if you have checked the SQL by hand`,
    { problems: result.problems, detail: result.data },
  );
}

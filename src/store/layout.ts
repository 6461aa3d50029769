/**
 * The layout of one commit's tree and message (src/ARCHITECTURE.md):
 *   schema/**                              the user's files, byte for byte
 *   model/<section>/<safe id>.json         one canonical blob per object (canonicalObjects)
 *   schemaver.json                         {format: 1, hash, renames, normal?}
 *   snapshot.json                          the model exactly as committed (hints, column order): loads without YAML parsing
 *   migrations/<parent id | root>/up.sql, down.sql, steps.json
 * steps.json holds the whole Migration except its SQL: {parent, fromHash, toHash, handEdited, renames, steps}.
 * The message is the user's message plus a trailer paragraph `Schema-Hash: sv1:...`.
 */
import type { Migration, StepSummary } from '../model/plan.js';
import type { SourceFile } from '../parse/index.js';
import { SchemaverError } from '../errors.js';
import { corruptStore } from './read.js';

/** FORMAT is the version of the commit layout. */
export const FORMAT = 1;

/** SNAPSHOT_FILE holds the committed model as JSON, so reading a snapshot does not re-parse its YAML. */
export const SNAPSHOT_FILE = 'snapshot.json';

/** ROOT_DIR is the migrations directory name for the edge from nothing (a root commit). */
export const ROOT_DIR = 'root';

/** SchemaverJson is the content of `schemaver.json` in a commit. */
export interface SchemaverJson {
  readonly format: number;
  readonly hash: string;
  readonly renames: readonly string[];
  /**
   * normal: the normalisation (pg/normalize.ts normalIdentity) whose answer for the commit's `schema/**` files the
   * model is, when the committing command made it so (commit, merge); absent in commits written before it was kept.
   */
  readonly normal?: string;
}

/** StepsJson is the content of `migrations/<parent>/steps.json`. */
export interface StepsJson {
  readonly parent: string;
  readonly fromHash: string;
  readonly toHash: string;
  readonly handEdited?: boolean;
  readonly renames?: readonly string[];
  readonly steps: readonly StepSummary[];
}

/** migrationDir names the directory of an edge: the parent id, or `root` for a root commit. */
export function migrationDir(parent: string): string {
  return parent === '' ? ROOT_DIR : parent;
}

/** stepsJson writes the stored metadata of a migration. */
export function stepsJson(m: Migration): string {
  const body: StepsJson = {
    parent: m.parent,
    fromHash: m.fromHash,
    toHash: m.toHash,
    ...(m.handEdited ? { handEdited: true } : {}),
    ...(m.renames && m.renames.length ? { renames: m.renames } : {}),
    steps: m.steps,
  };
  return JSON.stringify(body, null, 2) + '\n';
}

/** readMigration rebuilds a Migration from its stored files; corrupt-store when steps.json does not parse. */
export function readMigration(dir: string, up: string, down: string, steps: string, commit = ''): Migration {
  let meta: StepsJson;
  try {
    meta = JSON.parse(steps) as StepsJson;
    if (!meta || typeof meta !== 'object' || typeof meta.toHash !== 'string') throw new Error('not a steps.json');
  } catch {
    throw corruptStore(
      `migrations/${dir}/steps.json${commit ? ` of commit ${commit.slice(0, 7)}` : ''} does not parse`,
      {
        ...(commit ? { commit } : {}),
        path: `migrations/${dir}/steps.json`,
        problem: 'unparseable',
      },
    );
  }
  return {
    parent: meta.parent ?? (dir === ROOT_DIR ? '' : dir),
    fromHash: meta.fromHash,
    toHash: meta.toHash,
    up,
    down,
    steps: meta.steps ?? [],
    ...(meta.handEdited ? { handEdited: true } : {}),
    ...(meta.renames && meta.renames.length ? { renames: meta.renames } : {}),
  };
}

/** checkFilePath throws unless `path` is a clean relative path below `schema/`. */
export function checkFilePath(f: SourceFile): void {
  const p = f.path;
  const parts = p.split('/');
  if (
    parts[0] !== 'schema' ||
    parts.length < 2 ||
    parts.some((x) => x === '' || x === '.' || x === '..') ||
    p.includes('\\') ||
    p.includes('\0')
  ) {
    throw new SchemaverError({
      code: 'bad-file-path',
      message: `cannot store '${p}': schema files must be relative paths below schema/`,
      exit: 2,
    });
  }
}

/** TRAILER is the commit message trailer that carries the schema hash. */
export const TRAILER = 'Schema-Hash';

/** commitMessage appends the schema hash trailer to the user's message. */
export function commitMessage(message: string, hash: string): string {
  const body = message.replace(/\s+$/, '');
  return `${body}\n\n${TRAILER}: ${hash}\n`;
}

/** splitMessage separates the user's message from the schema hash trailer. */
export function splitMessage(raw: string): { message: string; hash?: string } {
  const text = raw.replace(/\s+$/, '');
  const m = new RegExp(`(?:^|\\n\\n)${TRAILER}: (\\S+)$`).exec(text);
  if (!m) return { message: text };
  return { message: text.slice(0, m.index).replace(/\s+$/, ''), hash: m[1]! };
}

/** formatTimezone writes a Date.getTimezoneOffset-style offset (minutes, UTC minus local) as git's `+HHMM`. */
export function formatTimezone(offsetMinutes: number): string {
  const east = -offsetMinutes;
  const sign = east < 0 ? '-' : '+';
  const abs = Math.abs(east);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** commitText writes a raw git commit object. */
export function commitText(
  tree: string,
  parents: readonly string[],
  who: { name: string; email: string; timestamp: number; timezoneOffset: number },
  message: string,
): string {
  const sig = `${who.name} <${who.email}> ${who.timestamp} ${formatTimezone(who.timezoneOffset)}`;
  const lines = [
    `tree ${tree}`,
    ...parents.map((p) => `parent ${p}`),
    `author ${sig}`,
    `committer ${sig}`,
    '',
    message,
  ];
  return lines.join('\n');
}

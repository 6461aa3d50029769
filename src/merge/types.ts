/** Result types of the three-way merge (src/merge). Pure data, no I/O. */
import type { Schema } from '../model/types.js';

/** ConflictKind says why a spot could not be merged automatically. */
export type ConflictKind = 'modify/modify' | 'modify/drop' | 'add/add' | 'rename/rename' | 'enum-order' | 'semantic';

/** Conflict is one spot the merge could not decide; `path` locates the object in the model. */
export interface Conflict {
  /** path is the model path of the object, e.g. `['tables', 'users', 'columns', 'email']`. */
  readonly path: readonly string[];
  /** object is the display name, e.g. `column users.email`. */
  readonly object: string;
  /** attribute is the model attribute in conflict (`type`, `default`...), absent when the whole object is. */
  readonly attribute?: string;
  readonly kind: ConflictKind;
  /** base / ours / theirs are the three values (model form); absent means "does not exist on that side". */
  readonly base?: unknown;
  readonly ours?: unknown;
  readonly theirs?: unknown;
  readonly message: string;
}

/** MergeResult is the merged schema (ours' value at every conflicting spot) and the conflicts found. */
export interface MergeResult {
  readonly schema: Schema;
  readonly conflicts: readonly Conflict[];
  /** renames the merge followed, e.g. `table users -> people (theirs)`. */
  readonly renames: readonly string[];
}

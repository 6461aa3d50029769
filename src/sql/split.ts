/**
 * Splitting a migration script into statements, so each runs (and fails) on its own and can be named in
 * errors with the step it belongs to. Understands what psql understands: quotes, E'' strings, dollar quotes,
 * line and nested block comments, parentheses, and BEGIN ATOMIC ... END bodies of SQL functions.
 */

/** ScriptStatement is one statement of a script with the comment that introduces it. */
export interface ScriptStatement {
  /** sql: the statement text without its terminating semicolon, trimmed. */
  readonly sql: string;
  /** line: 1-based line of the statement's first character in the script. */
  readonly line: number;
  /** comment: the last `-- ...` comment line seen before the statement (the planner's step label), if any. */
  readonly comment?: string;
}

const WORD = /[A-Za-z0-9_$]/;

/** isWordStart: A-Z, a-z or _ (char code). */
function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** WORD_TAIL: the rest of a word, the characters WORD matches, from after its first (sticky: one native scan per word,
 * not a call per character in a script's cold first split). */
const WORD_TAIL = /[A-Za-z0-9_$]*/y;

/**
 * Keywords follows the words of one statement: its first keywords (upper-cased), to tell a CREATE [OR REPLACE]
 * FUNCTION/PROCEDURE, and inside one the BEGIN ATOMIC ... END nesting (with CASE ... END inside), whose semicolons
 * do not end the statement.
 */
class Keywords {
  private words: string[] = [];
  private prevWord = '';
  private routine = false;
  /** atomic: the BEGIN ATOMIC ... END nesting (0 outside a body). */
  atomic = 0;

  /** reset starts a new statement. */
  reset(): void {
    this.words = [];
    this.prevWord = '';
    this.routine = false;
    this.atomic = 0;
  }

  /** other notes a token that is not a word (a quoted string or identifier, a dollar-quoted body). */
  other(): void {
    this.prevWord = '';
  }

  /** word reads the word s[i, j). Words matter only while a statement's first keywords are read, and inside
   * CREATE FUNCTION/PROCEDURE; elsewhere they are skipped without being copied (long scripts are mostly words). */
  word(s: string, i: number, j: number): void {
    if (this.words.length >= 8 && !this.routine) {
      this.prevWord = '';
      return;
    }
    const w = s.slice(i, j).toUpperCase();
    if (this.words.length < 8) {
      this.words.push(w);
      this.routine = this.words[0] === 'CREATE' && (this.routine || w === 'FUNCTION' || w === 'PROCEDURE');
    }
    if (this.routine) {
      if (w === 'ATOMIC' && this.prevWord === 'BEGIN') this.atomic++;
      else if (this.atomic > 0 && w === 'CASE') this.atomic++;
      else if (this.atomic > 0 && w === 'END') this.atomic--;
    }
    this.prevWord = w;
  }
}

/**
 * last: the last script split and its statements. A script is often split twice in a row (a build counts its
 * statements, then runs them: a thousand tables' creation script takes ~0.1 s of CPU to split).
 */
let last: { readonly script: string; readonly statements: readonly ScriptStatement[] } | undefined;

/** splitStatements splits a SQL script at top-level semicolons; empty statements are dropped. */
export function splitStatements(script: string): readonly ScriptStatement[] {
  if (last?.script === script) return last.statements;
  const statements = split(script);
  last = { script, statements };
  return statements;
}

/** split is splitStatements without the memo. */
function split(script: string): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  const s = script;
  let start = 0; // start of the current statement's first token (set with stmtLine)
  let stmtLine = -1; // line where the current statement's first non-blank character is
  let line = 1;
  let depth = 0; // parentheses
  const keywords = new Keywords();
  let lastComment: string | undefined;
  let stmtComment: string | undefined;
  const flush = (end: number) => {
    const text = stmtLine < 0 ? '' : s.slice(start, end).trim();
    if (text) out.push({ sql: text, line: stmtLine, ...(stmtComment !== undefined ? { comment: stmtComment } : {}) });
    stmtLine = -1;
    depth = 0;
    keywords.reset();
    stmtComment = undefined;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '-' && s[i + 1] === '-') {
      const end = s.indexOf('\n', i);
      const text = s.slice(i + 2, end < 0 ? s.length : end).trim();
      if (stmtLine < 0 && text) lastComment = text;
      i = end < 0 ? s.length : end;
      continue;
    }
    const skipped = c === '/' && s[i + 1] === '*' ? skipBlockComment(s, i) : undefined;
    if (skipped) {
      line += skipped.lines;
      i = skipped.next;
      continue;
    }
    if (stmtLine < 0 && c !== ';') {
      stmtLine = line;
      start = i;
      stmtComment = lastComment;
    }
    if (c === ';') {
      if (depth === 0 && keywords.atomic === 0) flush(i);
      i++;
      continue;
    }
    const quoted = c === "'" || c === '"' ? skipQuoted(s, i, isEscapeString(s, i)) : skipDollarQuoted(s, i);
    if (quoted) {
      line += quoted.lines;
      i = quoted.next;
      keywords.other();
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    if (isWordStart(s.charCodeAt(i))) {
      WORD_TAIL.lastIndex = i + 1;
      WORD_TAIL.test(s);
      const j = WORD_TAIL.lastIndex;
      keywords.word(s, i, j);
      i = j;
      continue;
    }
    i++;
  }
  flush(s.length);
  return out;
}

/** isEscapeString: the quote at `i` opens an E'...' string (which takes backslash escapes); quoted identifiers and
 * standard strings take only a doubled quote. */
function isEscapeString(s: string, i: number): boolean {
  return s[i] === "'" && i > 0 && /[eE]/.test(s[i - 1]!) && (i < 2 || !WORD.test(s[i - 2]!));
}

/** skipBlockComment scans a (nested) block comment opening at `i`; returns the index after it and the newlines inside. */
function skipBlockComment(s: string, i: number): { next: number; lines: number } {
  let level = 1;
  let lines = 0;
  let j = i + 2;
  while (j < s.length && level > 0) {
    if (s[j] === '\n') lines++;
    if (s[j] === '/' && s[j + 1] === '*') {
      level++;
      j += 2;
    } else if (s[j] === '*' && s[j + 1] === '/') {
      level--;
      j += 2;
    } else j++;
  }
  return { next: j, lines };
}

/** skipDollarQuoted scans a $tag$...$tag$ string opening at `i` (not inside a word); undefined when none opens there. */
function skipDollarQuoted(s: string, i: number): { next: number; lines: number } | undefined {
  if (s[i] !== '$' || (i > 0 && WORD.test(s[i - 1]!))) return undefined;
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(s.slice(i, i + 64));
  if (!m) return undefined;
  const tag = m[0];
  const end = s.indexOf(tag, i + tag.length);
  const stop = end < 0 ? s.length : end + tag.length;
  let lines = 0;
  for (let k = i; k < stop; k++) if (s[k] === '\n') lines++;
  return { next: stop, lines };
}

/** TRANSACTION_CONTROL matches statements that would end or nest schemaver's one transaction. */
const TRANSACTION_CONTROL =
  /^(BEGIN|COMMIT|ROLLBACK|END|ABORT|START\s+TRANSACTION|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION|COMMIT\s+PREPARED|ROLLBACK\s+PREPARED)\b/i;

/** skipQuoted scans a '...' string or "..." identifier opening at `i`; returns the index after it and the newlines inside. */
function skipQuoted(s: string, i: number, escaped: boolean): { next: number; lines: number } {
  const q = s[i]!;
  let lines = 0;
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === '\n') lines++;
    if (escaped && s[j] === '\\') {
      j += 2;
      continue;
    }
    if (s[j] === q) {
      if (s[j + 1] === q) {
        j += 2;
        continue;
      }
      break;
    }
    j++;
  }
  return { next: j + 1, lines };
}

/** isTransactionControl tells whether a statement is BEGIN/COMMIT/ROLLBACK/SAVEPOINT-like. */
export function isTransactionControl(sql: string): boolean {
  return TRANSACTION_CONTROL.test(sql.trim()) && !/^BEGIN\s+ATOMIC\b/i.test(sql.trim());
}

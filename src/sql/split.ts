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

/** isWordChar: what WORD matches, by char code (A-Z a-z 0-9 _ $). */
function isWordChar(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}

/** splitStatements splits a SQL script at top-level semicolons; empty statements are dropped. */
export function splitStatements(script: string): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  const s = script;
  let start = 0; // start of the current statement's first token (set with stmtLine)
  let stmtLine = -1; // line where the current statement's first non-blank character is
  let line = 1;
  let depth = 0; // parentheses
  let atomic = 0; // BEGIN ATOMIC ... END nesting (with CASE ... END inside)
  let lastComment: string | undefined;
  let stmtComment: string | undefined;
  let words: string[] = []; // first keywords of the statement, upper-cased (to detect CREATE FUNCTION ... BEGIN ATOMIC)
  let prevWord = '';
  let routine = false; // the statement is CREATE [OR REPLACE] FUNCTION/PROCEDURE
  const flush = (end: number) => {
    const text = stmtLine < 0 ? '' : s.slice(start, end).trim();
    if (text) out.push({ sql: text, line: stmtLine, ...(stmtComment !== undefined ? { comment: stmtComment } : {}) });
    stmtLine = -1;
    depth = 0;
    atomic = 0;
    words = [];
    prevWord = '';
    routine = false;
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
    if (c === '/' && s[i + 1] === '*') {
      let level = 1;
      let j = i + 2;
      while (j < s.length && level > 0) {
        if (s[j] === '\n') line++;
        if (s[j] === '/' && s[j + 1] === '*') {
          level++;
          j += 2;
        } else if (s[j] === '*' && s[j + 1] === '/') {
          level--;
          j += 2;
        } else j++;
      }
      i = j;
      continue;
    }
    if (stmtLine < 0 && c !== ';') {
      stmtLine = line;
      start = i;
      stmtComment = lastComment;
    }
    if (c === ';') {
      if (depth === 0 && atomic === 0) flush(i);
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      // E'...' strings take backslash escapes; quoted identifiers and standard strings only a doubled quote
      const escaped = c === "'" && i > 0 && /[eE]/.test(s[i - 1]!) && (i < 2 || !WORD.test(s[i - 2]!));
      const end = skipQuoted(s, i, escaped);
      line += end.lines;
      i = end.next;
      prevWord = '';
      continue;
    }
    if (c === '$' && (i === 0 || !WORD.test(s[i - 1]!))) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(s.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const end = s.indexOf(tag, i + tag.length);
        const stop = end < 0 ? s.length : end + tag.length;
        for (let k = i; k < stop; k++) if (s[k] === '\n') line++;
        i = stop;
        prevWord = '';
        continue;
      }
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    const code = s.charCodeAt(i);
    if (isWordStart(code)) {
      let j = i + 1;
      while (j < s.length && isWordChar(s.charCodeAt(j))) j++;
      // Words matter only while a statement's first keywords are read, and inside CREATE FUNCTION/PROCEDURE
      // (BEGIN ATOMIC ... END); elsewhere they are skipped without being copied (long scripts are mostly words).
      if (words.length < 8 || routine) {
        const w = s.slice(i, j).toUpperCase();
        if (words.length < 8) {
          words.push(w);
          routine = words[0] === 'CREATE' && (routine || w === 'FUNCTION' || w === 'PROCEDURE');
        }
        if (routine) {
          if (w === 'ATOMIC' && prevWord === 'BEGIN') atomic++;
          else if (atomic > 0 && w === 'CASE') atomic++;
          else if (atomic > 0 && w === 'END') atomic--;
        }
        prevWord = w;
      } else prevWord = '';
      i = j;
      continue;
    }
    i++;
  }
  flush(s.length);
  return out;
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

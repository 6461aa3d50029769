/**
 * The SQL parser's answers between processes: `.schemaver/cache/sqlparse.json` keeps what libpg_query answered for
 * the SQL texts of the schema last validated (parse trees and plpgsql compile results, by exact text), so `status`
 * after an edit that brings no new SQL text validates without loading libpg_query (src/validate/sqlparse.ts). The
 * file's first line names the answers' producer (the libpg-query version and the build of sqlparse.js) and a SHA-256
 * of the rest: another producer's file, a torn or damaged one is ignored, never trusted. A process writes a temp file
 * and renames it in, so concurrent processes each read a whole file (the last writer's).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlMemo } from '../validate/sqlparse.js';

/** SQL_MEMO_FILE is the memo's file name inside the store's cache directory. */
export const SQL_MEMO_FILE = 'sqlparse.json';

/** STALE_TMP_MS is how old a temp file of an interrupted write must be before the next write removes it. */
const STALE_TMP_MS = 10 * 60 * 1000;

let producerId: string | null | undefined;

/** producer names what produced the answers: libpg-query's version and the size and time of sqlparse's build; null when unknown. */
function producer(): string | null {
  if (producerId !== undefined) return producerId;
  producerId = null;
  try {
    const req = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(req.resolve('libpg-query/package.json'), 'utf8')) as { version?: string };
    for (const ext of ['js', 'ts']) {
      const st = statSync(fileURLToPath(new URL(`../validate/sqlparse.${ext}`, import.meta.url)), {
        throwIfNoEntry: false,
      });
      if (st) return (producerId = `libpg-query ${pkg.version ?? '?'} sqlparse.${ext} ${st.size} ${st.mtimeMs}`);
    }
  } catch {
    /* unknown: no memo */
  }
  return producerId;
}

/** readSqlMemo returns the memo kept in `cacheDir`, or undefined when there is none, it is another producer's, or it does not check. */
export function readSqlMemo(cacheDir: string): SqlMemo | undefined {
  const id = producer();
  if (id === null) return undefined;
  try {
    const text = readFileSync(join(cacheDir, SQL_MEMO_FILE), 'utf8');
    const nl = text.indexOf('\n');
    const head = JSON.parse(text.slice(0, nl)) as { id?: unknown; sha256?: unknown };
    const body = text.slice(nl + 1);
    if (nl < 0 || head.id !== id || head.sha256 !== createHash('sha256').update(body).digest('hex')) return undefined;
    const memo = JSON.parse(body) as Partial<SqlMemo> | null;
    const isMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
    return memo && isMap(memo.parsed) && isMap(memo.plpgsql) ? (memo as SqlMemo) : undefined;
  } catch {
    return undefined; // none yet, unreadable or not JSON: no memo
  }
}

/**
 * withEarlier is the answers this run used, then earlier ones it did not use (texts an edit replaced, which the next
 * edit may bring back: a typo fixed), up to as many again as it used (at least KEEP_EARLIER), so the file stays
 * about the size of one schema's texts.
 */
function withEarlier(used: SqlMemo, earlier: SqlMemo | undefined): SqlMemo {
  if (!earlier) return used;
  const more = <T>(now: Readonly<Record<string, T>>, before: Readonly<Record<string, T>>): Record<string, T> => {
    const out = { ...now };
    let room = Math.max(KEEP_EARLIER, Object.keys(now).length);
    for (const [k, v] of Object.entries(before)) {
      if (room <= 0) break;
      if (k in out) continue;
      out[k] = v;
      room--;
    }
    return out;
  };
  return { parsed: more(used.parsed, earlier.parsed), plpgsql: more(used.plpgsql, earlier.plpgsql) };
}

/** KEEP_EARLIER is the least number of unused earlier answers a write keeps. */
const KEEP_EARLIER = 1000;

/**
 * writeSqlMemo replaces the memo in `cacheDir` with the answers a run used and, after them, `earlier` ones it did
 * not (temp file renamed in; best effort: the memo is an optimisation).
 */
export function writeSqlMemo(cacheDir: string, used: SqlMemo, earlier?: SqlMemo): void {
  const id = producer();
  if (id === null) return;
  const memo = withEarlier(used, earlier);
  const file = join(cacheDir, SQL_MEMO_FILE);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const body = JSON.stringify(memo);
    const head = JSON.stringify({ id, sha256: createHash('sha256').update(body).digest('hex') });
    writeFileSync(tmp, `${head}\n${body}`);
    renameSync(tmp, file);
    pruneTemp(cacheDir);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** pruneTemp removes temp files of memo writes that were interrupted long ago. */
function pruneTemp(cacheDir: string): void {
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith(`${SQL_MEMO_FILE}.`) || !name.endsWith('.tmp')) continue;
    const p = join(cacheDir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > STALE_TMP_MS) rmSync(p, { force: true });
  }
}

/**
 * The conformance runner: every case of a `.jsonl` file (format: /work/shared/conformance/README.md) proven in
 * PGlite, in parallel worker threads; writes `results.jsonl` and `<id>.up.sql` / `<id>.down.sql` per case and
 * summarises pass rates with failures grouped by cause.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { extensionsInSql } from '../pg/pglite.js';
import type { Case, CaseResult } from './run.js';

export { runCase, defaultCompare, RESET_SQL, type Case, type CaseResult, type Outcome, type CaseDb } from './run.js';
export { findRenameHints, applyRenameHints, type RenameHint } from './hints.js';
export { resettableDb } from './pool.js';

/** ConformanceOptions tune a run. */
export interface ConformanceOptions {
  readonly out?: string;
  readonly filter?: string;
  readonly jobs?: number;
  /** online: prove each case's online-safe plan (plan/online.ts) instead of the classic one. */
  readonly online?: boolean;
  /** onResult is called as each case finishes (progress). */
  readonly onResult?: (r: CaseResult, done: number, total: number) => void;
}

/** ConformanceRun is the outcome of a whole file. */
export interface ConformanceRun {
  readonly file: string;
  readonly out: string;
  readonly results: readonly CaseResult[];
  readonly ms: number;
}

/** readCases parses a conformance file (one JSON object per line; blank lines skipped). */
export async function readCases(file: string): Promise<Case[]> {
  const text = await readFile(file, 'utf8');
  const out: Case[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let o: Case;
    try {
      o = JSON.parse(line) as Case;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not a JSON object: ${(e as Error).message}`);
    }
    if (typeof o.id !== 'string' || typeof (o.a ?? '') !== 'string' || typeof (o.b ?? '') !== 'string')
      throw new Error(`${file}:${i + 1}: a case needs string id, a and b`);
    out.push({ ...o, a: o.a ?? '', b: o.b ?? '' });
  });
  return out;
}

/** caseFileName turns a case id into a file name stem (`/` becomes `__`). */
export function caseFileName(id: string): string {
  return id.replace(/\//g, '__').replace(/[\0\\:*?"<>|]/g, '_');
}

/** runCases proves cases in `jobs` worker threads (each with one reusable PGlite database). */
export async function runCases(cases: readonly Case[], opts: ConformanceOptions = {}): Promise<CaseResult[]> {
  const extensions = [...new Set(cases.flatMap((c) => extensionsInSql(`${c.pre ?? ''}\n${c.a}\n${c.b}`)))];
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, cases.length));
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const workerUrl = new URL('./worker.js', import.meta.url);
  await Promise.all(
    Array.from(
      { length: jobs },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(workerUrl, { workerData: { extensions, online: opts.online === true } });
          let current = -1;
          const feed = () => {
            if (next >= cases.length) {
              w.postMessage({ stop: true });
              return;
            }
            current = next++;
            w.postMessage({ case: cases[current] });
          };
          w.on('message', (m: CaseResult | { ready: true }) => {
            if ('ready' in m) return feed();
            results[current] = m;
            done++;
            opts.onResult?.(m, done, cases.length);
            feed();
          });
          w.on('error', (e) => {
            if (current >= 0 && !results[current]) {
              results[current] = {
                id: cases[current]!.id,
                up: 'error',
                down: 'error',
                message: `worker crashed: ${e.message}`,
                ms: 0,
                upSql: '',
                downSql: '',
              };
            }
            reject(e);
          });
          w.on('exit', () => resolve());
        }),
    ),
  );
  return results;
}

/** runConformance runs every case of `file` and writes the results under `out` (default `.conformance/<basename>`). */
export async function runConformance(file: string, opts: ConformanceOptions = {}): Promise<ConformanceRun> {
  const t0 = Date.now();
  let cases = await readCases(file);
  if (opts.filter) cases = cases.filter((c) => c.id.includes(opts.filter!));
  const out = opts.out ?? path.join('.conformance', path.basename(file).replace(/\.jsonl$/, ''));
  await mkdir(out, { recursive: true });
  const results = await runCases(cases, opts);
  await writeFile(
    path.join(out, 'results.jsonl'),
    results.map((r) => JSON.stringify({ id: r.id, up: r.up, down: r.down, message: r.message, ms: r.ms })).join('\n') +
      (results.length ? '\n' : ''),
  );
  for (const r of results) {
    const stem = path.join(out, caseFileName(r.id));
    await writeFile(`${stem}.up.sql`, r.upSql);
    await writeFile(`${stem}.down.sql`, r.downSql);
  }
  return { file, out, results, ms: Date.now() - t0 };
}

/** causeOf reduces a failure message to its cause: names and literals replaced, the first clause kept. */
export function causeOf(message: string): string {
  let m = message.split(' | ')[0]!;
  m = m
    .replace(/step "[^"]*"/, 'step')
    .replace(/"(?:[^"]|"")*"/g, '"X"')
    .replace(/'(?:[^']|'')*'/g, "'X'");
  m = m.replace(
    /\b(column|table|index|constraint|view|type|function|enum|sequence|trigger|policy|domain|schema|extension) [^\s:;,()]+/gi,
    '$1 X',
  );
  m = m.replace(/\d+/g, 'N');
  return m.length > 110 ? m.slice(0, 110) + '...' : m;
}

/** Summary is the pass rates and grouped failures of a run. */
export interface Summary {
  readonly total: number;
  readonly up: number;
  readonly down: number;
  readonly both: number;
  readonly unsupported: number;
  readonly errors: number;
  readonly causes: readonly { readonly cause: string; readonly count: number; readonly ids: readonly string[] }[];
}

/** summarize counts passes and groups every non-passing case by cause. */
export function summarize(results: readonly CaseResult[]): Summary {
  const causes = new Map<string, string[]>();
  for (const r of results) {
    if (r.up === 'pass' && r.down === 'pass') continue;
    const key =
      r.up === 'unsupported'
        ? `unsupported: ${r.message
            .replace(/^not supported: /, '')
            .split(';')[0]!
            .replace(/ [^ ]+$/, '')}`
        : `${r.up}/${r.down}: ${causeOf(r.message)}`;
    if (!causes.has(key)) causes.set(key, []);
    causes.get(key)!.push(r.id);
  }
  return {
    total: results.length,
    up: results.filter((r) => r.up === 'pass').length,
    down: results.filter((r) => r.down === 'pass').length,
    both: results.filter((r) => r.up === 'pass' && r.down === 'pass').length,
    unsupported: results.filter((r) => r.up === 'unsupported').length,
    errors: results.filter((r) => r.up === 'error' || r.down === 'error').length,
    causes: [...causes.entries()]
      .map(([cause, ids]) => ({ cause, count: ids.length, ids }))
      .sort((a, b) => b.count - a.count),
  };
}

/** formatSummary writes a summary for people. */
export function formatSummary(s: Summary, ms: number, label = ''): string {
  const pct = (n: number) => (s.total ? ((100 * n) / s.total).toFixed(1) : '0.0') + '%';
  const lines = [
    `${label}${s.total} cases in ${(ms / 1000).toFixed(1)} s`,
    `  up   ${s.up}/${s.total} ${pct(s.up)}`,
    `  down ${s.down}/${s.total} ${pct(s.down)}`,
    `  both ${s.both}/${s.total} ${pct(s.both)}`,
    `  unsupported ${s.unsupported}, errors ${s.errors}`,
  ];
  if (s.causes.length) {
    lines.push('', 'not passing, by cause:');
    for (const c of s.causes)
      lines.push(
        `  ${String(c.count).padStart(3)}  ${c.cause}\n         ${c.ids.slice(0, 6).join(', ')}${c.ids.length > 6 ? ', ...' : ''}`,
      );
  }
  return lines.join('\n');
}

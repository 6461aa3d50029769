/**
 * roundtrip-report: runs the import round trip over the `b` schemas of conformance corpus files and reports the rate.
 * Usage: node dist/pg/roundtrip-report.js /work/shared/conformance/sqldef.jsonl [migra.jsonl ...] [--json] [--limit N] [--filter RE]
 */
import { readFileSync } from 'node:fs';
import { parseSchemaFiles } from '../parse/index.js';
import { writeSchemaYaml } from '../yaml/index.js';
import { extensionsInSql } from './pglite.js';
import { RoundTripper, type RoundTripOutcome } from './roundtrip.js';

/** CorpusCase is one line of a conformance corpus file. */
export interface CorpusCase {
  readonly id: string;
  readonly pre?: string;
  readonly a?: string;
  readonly b?: string;
}

/** readCorpus reads a JSONL corpus file. */
export function readCorpus(file: string): CorpusCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusCase);
}

/** causeOf groups a failure: its stage and its first problem with names and numbers blurred. */
export function causeOf(o: RoundTripOutcome): string {
  const first = o.problems[0] ?? '';
  if (o.status === 'unsupported')
    return `not supported: ${first
      .replace(/^not supported: /, '')
      .split(/\s+/)
      .slice(0, 2)
      .join(' ')}`;
  return `${o.stage}: ${first
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+\b/g, 'N')
    .slice(0, 90)}`;
}

/** runReport runs every case of the files and returns per-case outcomes. */
export async function runReport(
  files: readonly string[],
  opts: { limit?: number; filter?: RegExp } = {},
): Promise<Array<{ id: string; outcome: RoundTripOutcome }>> {
  const cases = files.flatMap((f) =>
    readCorpus(f).map((c) => ({ ...c, id: `${f.replace(/^.*\//, '').replace(/\.jsonl$/, '')}:${c.id}` })),
  );
  const selected = cases.filter((c) => !opts.filter || opts.filter.test(c.id)).slice(0, opts.limit ?? Infinity);
  const exts = [...new Set(selected.flatMap((c) => extensionsInSql(`${c.pre ?? ''}\n${c.b ?? ''}`)))];
  const rt = new RoundTripper({ writeSchemaYaml: (s) => writeSchemaYaml(s), parseSchemaFiles }, exts);
  const out: Array<{ id: string; outcome: RoundTripOutcome }> = [];
  try {
    for (const c of selected) out.push({ id: c.id, outcome: await rt.run(c.b ?? '', c.pre ?? '') });
  } finally {
    await rt.close();
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const li = args.indexOf('--limit');
  const fi = args.indexOf('--filter');
  const limit = li >= 0 ? Number(args[li + 1]) : undefined;
  const filter = fi >= 0 ? new RegExp(args[fi + 1]!) : undefined;
  const files = args.filter((a, i) => !a.startsWith('--') && (li < 0 || i !== li + 1) && (fi < 0 || i !== fi + 1));
  const t0 = Date.now();
  const results = await runReport(files, { limit, filter });
  const ms = Date.now() - t0;
  const pass = results.filter((r) => r.outcome.status === 'pass').length;
  const unsupported = results.filter((r) => r.outcome.status === 'unsupported');
  const failed = results.filter((r) => r.outcome.status === 'fail');
  if (json) {
    process.stdout.write(
      JSON.stringify(
        { total: results.length, pass, unsupported: unsupported.length, failed: failed.length, ms, results },
        null,
        1,
      ) + '\n',
    );
    return;
  }
  const groups = new Map<string, string[]>();
  for (const r of [...unsupported, ...failed]) {
    const k = causeOf(r.outcome);
    groups.set(k, [...(groups.get(k) ?? []), r.id]);
  }
  const pct = (n: number) => `${((100 * n) / Math.max(1, results.length)).toFixed(1)}%`;
  console.log(
    `import round trip: ${pass}/${results.length} pass (${pct(pass)}), ${unsupported.length} named not-supported (${pct(unsupported.length)}), ${failed.length} other failures (${pct(failed.length)}) in ${(ms / 1000).toFixed(1)} s`,
  );
  for (const [k, ids] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`  ${String(ids.length).padStart(4)}  ${k}   e.g. ${ids.slice(0, 3).join(', ')}`);
  }
  for (const r of failed.slice(0, Number(process.env.SHOW ?? 0))) {
    console.log(`\n${r.id}\n  ${r.outcome.problems.slice(0, 8).join('\n  ')}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/dist\//, '/dist/'))) {
  main().catch((e) => {
    console.error(e);
    process.exit(3);
  });
}

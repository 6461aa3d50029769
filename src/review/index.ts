/**
 * `schemaver review A..B`: what a reviewer of a schema change needs in one document — the semantic change list,
 * the up and down SQL that will run (the stored, proven scripts when B's commit stores an edge from A, else the
 * planned ones), the hazards of every step (data loss, and what the up script does under live traffic named with
 * squawk's rule names by the linter, lint/index.ts, the same judge as `schemaver lint`; statements whose success
 * depends on the rows present), the proof in PGlite with its time, and a Mermaid ERD of the tables touched.
 */
import { semLine, type SemChange } from '../diff/semdiff.js';
import type { Schema } from '../model/types.js';
import type { Plan, StepSummary } from '../model/plan.js';
import { renderErd } from '../cli/erd.js';
import type { Finding } from '../lint/index.js';

/** ReviewStep is one step of the migration with its hazards. */
export interface ReviewStep extends StepSummary {
  /** dataDependent: the step can fail on existing rows (NOT NULL, a new unique/check/foreign key, a type cast). */
  readonly dataDependent: boolean;
  /** rules: the squawk rules the linter finds in this step's statements of the up script (`schemaver lint`'s findings). */
  readonly rules: readonly string[];
}

/** Review is what `review --json` prints (and the Markdown shows). */
export interface Review {
  readonly from: { readonly rev: string; readonly id: string | null; readonly hash: string };
  readonly to: { readonly rev: string; readonly id: string | null; readonly hash: string };
  readonly changes: readonly SemChange[];
  readonly steps: readonly ReviewStep[];
  readonly up: string;
  readonly down: string;
  /** stored: the SQL is the migration stored with B's commit (what deploys run), not a fresh plan. */
  readonly stored: boolean;
  readonly proof: {
    readonly ran: boolean;
    readonly ok: boolean;
    readonly ms: number;
    readonly cached: boolean;
    readonly problems: readonly string[];
  };
  readonly tables: readonly string[];
  readonly erd: string;
  /** hazards: the linter's findings over the up script shown (lint/index.ts), each step's ones also under its `rules`. */
  readonly hazards: readonly Finding[];
}

/** DATA_DEPENDENT matches statements whose success depends on the rows present. */
const DATA_DEPENDENT =
  /\bSET NOT NULL\b|\bADD CONSTRAINT\b[^;]*\b(UNIQUE|CHECK|FOREIGN KEY|PRIMARY KEY|EXCLUDE)\b|\bCREATE UNIQUE INDEX\b|\bALTER COLUMN\b[^;]*\bTYPE\b|\bVALIDATE CONSTRAINT\b/i;

/**
 * reviewSteps lists a plan's steps with their hazards; `findings` are the linter's over the up script, each given to
 * the step whose comment it stands under (a generated script comments every step with its `what`).
 */
export function reviewSteps(plan: Plan, summaries: readonly StepSummary[], findings: readonly Finding[]): ReviewStep[] {
  return summaries.map((s, i) => ({
    ...s,
    dataDependent: (plan.steps[i]?.sql ?? []).some((q) => DATA_DEPENDENT.test(q)),
    rules: [...new Set(findings.filter((f) => f.step === s.what).map((f) => f.rule))],
  }));
}

/** touchedTables lists the tables a change list touches (the table itself or anything inside it), sorted. */
export function touchedTables(changes: readonly SemChange[]): string[] {
  return [...new Set(changes.filter((c) => c.path[0] === 'tables' && c.path[1]).map((c) => c.path[1]!))].sort();
}

/** erdOf draws the touched tables (as in `to`, or `from` for dropped ones) and the tables their keys reference. */
export async function erdOf(from: Schema, to: Schema, tables: readonly string[]): Promise<string> {
  const pick: Record<string, Schema['tables'][string]> = {};
  for (const t of tables) {
    const def = to.tables[t] ?? from.tables[t];
    if (def) pick[t] = def;
  }
  for (const t of Object.values({ ...pick }))
    for (const fk of Object.values(t.foreignKeys ?? {})) {
      const ref = (fk as { refTable?: string }).refTable;
      if (ref && to.tables[ref] && !pick[ref]) pick[ref] = to.tables[ref]!;
    }
  return renderErd({ ...to, tables: pick }, 'mermaid');
}

/** renderMarkdown writes a review as a pull-request comment. */
export function renderMarkdown(r: Review): string {
  const short = (x: { rev: string; id: string | null }) =>
    x.id ? `\`${x.id.slice(0, 7)}\` (${x.rev})` : `\`${x.rev}\``;
  const out: string[] = [`## Schema review: ${short(r.from)} → ${short(r.to)}`, ''];
  // the squawk rule names say what the step does under live traffic; the planner's own rewrite / lock flags show
  // only for a step the linter has no rule for (so nothing is hidden, and nothing is judged twice)
  const flags = (s: ReviewStep) =>
    [
      s.destructive && '**destructive**',
      ...s.rules.map((x) => `\`${x}\``),
      !s.rules.length && s.rewrite && 'rewrites table',
      !s.rules.length && s.lock && 'long lock',
      s.dataDependent && 'may fail on existing rows',
      !s.reversible && 'irreversible',
    ]
      .filter(Boolean)
      .join(', ');
  const hazards = r.steps.filter((s) => flags(s));
  const whats = new Set(r.steps.map((s) => s.what));
  const loose = r.hazards.filter((f) => f.step === undefined || !whats.has(f.step)); // a hand-written script's
  out.push(
    r.proof.ran
      ? r.proof.ok
        ? `**Proof:** ✅ up and down proven in PGlite${r.proof.cached ? ' (cached: proven earlier with the same schemas and SQL)' : ` in ${Math.round(r.proof.ms)} ms`}.`
        : `**Proof:** ❌ failed: ${r.proof.problems.join('; ')}`
      : '**Proof:** not run (--no-verify).',
    `**Hazards:** ${hazards.length ? `${hazards.length} step(s) — see below` : 'none'}. ${r.stored ? 'The SQL below is the migration stored with the commit (what `upgrade` runs).' : 'The SQL below is planned between the two snapshots.'}`,
    '',
    '### Changes',
    '',
  );
  if (!r.changes.length) out.push('_No schema change._');
  for (const c of r.changes) {
    const sign = { add: '+', drop: '-', change: '~', rename: '→' }[c.op];
    out.push(`- ${sign} ${semLine(c).replace(/[\\`*[\]<>|]/g, '\\$&')}`);
  }
  out.push(
    '',
    '### Steps and hazards',
    '',
    'Hazards under live traffic carry the [squawk](https://squawkhq.com) rule names `schemaver lint` reports.',
    '',
    '| # | step | hazards |',
    '|---|---|---|',
  );
  r.steps.forEach((s, i) => out.push(`| ${i + 1} | ${s.what.replace(/\|/g, '\\|')} | ${flags(s) || '–'} |`));
  if (!r.steps.length) out.push('| – | no steps | – |');
  if (loose.length) {
    out.push('', 'Found by `schemaver lint` in statements of the up script outside the steps above:', '');
    for (const f of loose)
      out.push(`- line ${f.line}: \`${f.rule}\` (${f.level}): ${f.message} — \`${f.statement.replace(/`/g, "'")}\``);
  }
  out.push(
    '',
    '### Up',
    '',
    '```sql',
    r.up.trimEnd() || '-- nothing',
    '```',
    '',
    '### Down',
    '',
    '```sql',
    r.down.trimEnd() || '-- nothing',
    '```',
  );
  if (r.tables.length)
    out.push('', `### Tables touched (${r.tables.join(', ')})`, '', '```mermaid', r.erd.trimEnd(), '```');
  return out.join('\n') + '\n';
}

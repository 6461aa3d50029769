/** Human output of `import` (its --json output is the ImportResult itself). */
import type { ImportResult } from '../app/import.js';
import type { Paint } from './term.js';

/**
 * renderImport lists what was imported, from where, into which files (stdout), and the next step: the baseline commit
 * in a store without commits, else a look at what the import changed against HEAD before committing it.
 */
export function renderImport(r: ImportResult, c: Paint): string[] {
  const summary = Object.entries(r.objects)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${n === 1 ? k.replace(/s$/, '') : k}`)
    .join(', ');
  return [
    `imported ${summary || 'an empty schema'} from ${r.source} into ${r.files.length} file(s):`,
    ...r.files.map((f) => `  ${f}`),
    c.dim(
      r.head
        ? 'next: schemaver status (what the import changed against HEAD), then schemaver commit -m "..."'
        : 'next: schemaver commit -m "baseline"',
    ),
  ];
}

/** unsupportedNote names the objects kept under `unmanaged:` (stderr), or is undefined when there are none. */
export function unsupportedNote(r: ImportResult, w: Paint): string | undefined {
  if (!r.unsupported.length) return undefined;
  return [
    w.yellow(
      `note: ${r.unsupported.length} object(s) schemaver does not model are kept under \`unmanaged:\` (they pass through while unchanged):`,
    ),
    ...r.unsupported.map((m) => `  ${m}`),
  ].join('\n');
}

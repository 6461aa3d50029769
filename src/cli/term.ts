/**
 * Terminal output: colour only on a TTY and never with NO_COLOR; progress on stderr only on a TTY.
 */

/** useColor tells whether a stream may be coloured. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;

/** Paint colours text with one ANSI style when colour is on. */
export type Paint = Record<keyof typeof codes, (s: string) => string>;

/** paint returns colouring functions for a stream (identity functions when colour is off). */
export function paint(stream: NodeJS.WriteStream = process.stdout): Paint {
  const on = useColor(stream);
  const out = {} as Record<keyof typeof codes, (s: string) => string>;
  for (const [k, v] of Object.entries(codes)) {
    out[k as keyof typeof codes] = on ? (s: string) => `\u001b[${v}m${s}\u001b[0m` : (s: string) => s;
  }
  return out;
}

/** Progress reports long work on stderr (`label 12/300`), rewriting one line; silent off a TTY or in --json. */
export class Progress {
  private last = 0;
  private readonly on: boolean;
  constructor(
    private readonly label: string,
    quiet = false,
  ) {
    this.on = !quiet && Boolean(process.stderr.isTTY);
  }
  /** tick reports that `done` of `total` items are finished. */
  tick(done: number, total: number, detail = ''): void {
    if (!this.on) return;
    const now = Date.now();
    if (now - this.last < 80 && done < total) return;
    this.last = now;
    process.stderr.write(`\r\u001b[2K${this.label} ${done}/${total}${detail ? ' ' + detail : ''}`);
  }
  /** done clears the progress line. */
  done(): void {
    if (this.on) process.stderr.write('\r\u001b[2K');
  }
}

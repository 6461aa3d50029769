/**
 * Sequence options as SQL (CREATE/ALTER SEQUENCE, identity columns): the options written, PostgreSQL's defaults
 * for a type and direction, and whether a change of options must RESTART the sequence.
 */
import type { SequenceOptions } from '../model/types.js';

/** SeqOptionsMode: how seqOptions writes a sequence's options. */
export interface SeqOptionsMode {
  /** full: options left out are reset to PostgreSQL's defaults (ALTER SEQUENCE to exactly these options). */
  readonly full?: boolean;
  /** withType: write AS type (default true; an identity column's type is the column's). */
  readonly withType?: boolean;
  /** from: the options the sequence has before (ALTER SEQUENCE). */
  readonly from?: SequenceOptions;
}

/**
 * seqOptions writes sequence options as `mode` says. When AS changes the type of a sequence whose bound was the old
 * type's extreme, PostgreSQL resets NO MINVALUE / NO MAXVALUE to the new type's extreme whatever the direction
 * (`ALTER SEQUENCE s AS smallint INCREMENT BY -1 NO MAXVALUE` leaves MAXVALUE 32767, not -1): then (`full`, with the
 * type and `from`) the bound nearest zero, when left at its default, is written as its number.
 */
export function seqOptions(o: SequenceOptions | undefined, mode: SeqOptionsMode = {}): string[] {
  const { full = false, withType = true, from } = mode;
  const out: string[] = [];
  const opts = o ?? {};
  if (withType && (opts.type || full)) out.push(`AS ${opts.type ?? 'bigint'}`);
  if (opts.increment !== undefined || full) out.push(`INCREMENT BY ${num(opts.increment ?? '1')}`);
  const retyped = full && withType && from !== undefined && (from.type ?? 'bigint') !== (opts.type ?? 'bigint');
  const up = !(opts.increment ?? '1').trim().startsWith('-');
  if (opts.min !== undefined) out.push(`MINVALUE ${num(opts.min)}`);
  else if (retyped && up) out.push('MINVALUE 1');
  else if (full) out.push('NO MINVALUE');
  if (opts.max !== undefined) out.push(`MAXVALUE ${num(opts.max)}`);
  else if (retyped && !up) out.push('MAXVALUE -1');
  else if (full) out.push('NO MAXVALUE');
  if (opts.start !== undefined) out.push(`START WITH ${num(opts.start)}`);
  else if (full) out.push(`START WITH ${num(defaultStart(opts))}`);
  if (opts.cache !== undefined || full) out.push(`CACHE ${num(opts.cache ?? '1')}`);
  if (opts.cycle) out.push('CYCLE');
  else if (full) out.push('NO CYCLE');
  return out;
}

const SEQ_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/**
 * restartNeeded tells whether moving a sequence from options `a` to `b` leaves a sequence still at `a`'s start outside
 * `b`'s range (PostgreSQL then refuses the ALTER: "RESTART value cannot be less than MINVALUE"), so it must RESTART.
 * `type` is the sequence's type when the options do not say (an identity column's type).
 */
export function restartNeeded(
  a: SequenceOptions | undefined,
  b: SequenceOptions | undefined,
  type = 'bigint',
): boolean {
  try {
    const oa = a ?? {};
    const ob = b ?? {};
    const start = BigInt(oa.start ?? defaultStart(oa));
    const range = SEQ_RANGE[ob.type ?? type] ?? SEQ_RANGE.bigint!;
    const up = !(ob.increment ?? '1').trim().startsWith('-');
    const min = BigInt(ob.min ?? (up ? '1' : String(range[0])));
    const max = BigInt(ob.max ?? (up ? String(range[1]) : '-1'));
    return start < min || start > max;
  } catch {
    return false;
  }
}

/** defaultStart is the START PostgreSQL picks when none is given: MINVALUE going up, MAXVALUE going down. */
function defaultStart(o: SequenceOptions): string {
  const up = !(o.increment ?? '1').trim().startsWith('-');
  return up ? (o.min ?? '1') : (o.max ?? '-1');
}

/** num checks an integer option's text (COST, ROWS, sequence bounds) and writes it trimmed. */
export function num(s: string): string {
  if (!/^-?\d+$/.test(s.trim())) throw new Error(`not an integer: ${JSON.stringify(s)}`);
  return s.trim();
}

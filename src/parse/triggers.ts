/** Triggers and row-level security policies (on tables, and INSTEAD OF triggers on views). */
import type { Policy, Trigger, TriggerEvent } from '../model/types.js';
import { KEYS } from './keys.js';
import type { Ctx, Keyed, MapNode, Node, Scalar } from './node.js';
import { mapOrNothing, readBool, readExpr, readExtensionMarks, readName, readText, refId } from './common.js';
import { undef, type Draft } from './drafts.js';

/** timing reads `deferrable` / `initially_deferred` (the latter implies the former). */
export function timing(ctx: Ctx, o: { deferrable?: boolean; initiallyDeferred?: boolean }, k: Keyed): void {
  o.deferrable = readBool(ctx, k, 'deferrable') ?? o.deferrable;
  o.initiallyDeferred = readBool(ctx, k, 'initially_deferred') ?? o.initiallyDeferred;
  if (o.initiallyDeferred && !o.deferrable) {
    if (o.deferrable === false)
      ctx.error(
        'conflicting-attributes',
        k.get('initially_deferred')!.value,
        '`initially_deferred: true` needs `deferrable: true`',
      );
    else o.deferrable = true;
  }
}

const EVENTS = ['insert', 'update', 'delete', 'truncate'] as const;

/** parseTrigger reads one trigger definition. */
export function parseTrigger(ctx: Ctx, n: Node, name: string, at: Node): Draft<Trigger> | undefined {
  const m = ctx.map(n, `trigger \`${name}\``);
  if (!m) return undefined;
  const k = ctx.keys(m, KEYS.trigger, `trigger \`${name}\``);
  const timingE = k.get('timing');
  const eventsE = k.get('events');
  const fnE = k.get('function');
  if (!timingE || !eventsE || !fnE) {
    ctx.error(
      'missing-key',
      m,
      `trigger \`${name}\` needs \`timing\`, \`events\` and \`function\``,
      'e.g. `{ timing: before, events: [update], for_each: row, function: touch_updated_at }`',
    );
    return undefined;
  }
  const when = ctx.oneOf(timingE.value, ['before', 'after', 'instead_of'] as const, '`timing`');
  const evs: TriggerEvent[] = [];
  const evNodes = eventsE.value.t === 'seq' ? eventsE.value.items : [eventsE.value];
  for (const ev of evNodes) {
    const e = ctx.oneOf(ev, EVENTS, 'trigger event');
    if (e) evs.push(e);
  }
  if (evNodes.length === 0) ctx.error('invalid-value', eventsE.value, `trigger \`${name}\` has no events`);
  const fnText = ctx.text(fnE.value, '`function`');
  const fn =
    fnText === undefined
      ? undefined
      : refId(ctx, { ...(fnE.value as Scalar), value: fnText.replace(/\(\s*\)\s*$/, '') }, '`function`');
  const forEach = k.has('for_each')
    ? ctx.oneOf(k.get('for_each')!.value, ['row', 'statement'] as const, '`for_each`')
    : 'statement';
  if (!when || !fn || !forEach) return undefined;
  const tr: Draft<Trigger> = { kind: 'trigger', name, timing: when, events: evs, forEach, function: fn, at };
  if (k.has('update_of')) tr.updateOf = ctx.texts(k.get('update_of')!.value, '`update_of`');
  if (k.has('args')) tr.args = ctx.texts(k.get('args')!.value, '`args`');
  tr.when = readExpr(ctx, k, 'when');
  tr.constraint = readBool(ctx, k, 'constraint');
  timing(ctx, tr, k);
  if (k.has('referencing')) {
    const rm = ctx.map(k.get('referencing')!.value, '`referencing`');
    if (rm) {
      const rk = ctx.keys(rm, KEYS.referencing, '`referencing`');
      tr.referencing = undef({ oldTable: readName(ctx, rk, 'old_table'), newTable: readName(ctx, rk, 'new_table') });
    }
  }
  if (k.has('enabled')) {
    const v = k.get('enabled')!.value;
    if (v.t === 'scalar' && typeof v.value === 'boolean') tr.enabled = v.value ? 'origin' : 'disabled';
    else tr.enabled = ctx.oneOf(v, ['origin', 'disabled', 'replica', 'always'] as const, '`enabled`');
  }
  tr.comment = readText(ctx, k, 'comment');
  tr.dependsOnExtensions = readExtensionMarks(ctx, k, `trigger \`${name}\``);
  return undef(tr);
}

/** parsePolicy reads one row-level security policy. */
export function parsePolicy(ctx: Ctx, n: Node, name: string, at: Node): Draft<Policy> | undefined {
  const m = mapOrNothing(ctx, n, `policy \`${name}\``);
  if (!m) return undefined;
  const k = ctx.keys(m as MapNode, KEYS.policy, `policy \`${name}\``);
  const command = k.has('command')
    ? ctx.oneOf(k.get('command')!.value, ['all', 'select', 'insert', 'update', 'delete'] as const, '`command`')
    : 'all';
  if (!command) return undefined;
  const p: Draft<Policy> = {
    kind: 'policy',
    name,
    command,
    permissive: readBool(ctx, k, 'permissive') ?? true,
    roles: ['public'],
    at,
  };
  if (k.has('roles')) {
    const roles = ctx.texts(k.get('roles')!.value, '`roles`');
    if (roles) p.roles = roles.map((r) => (r.toLowerCase() === 'public' ? 'public' : r));
  }
  p.using = readExpr(ctx, k, 'using');
  p.withCheck = readExpr(ctx, k, 'with_check');
  p.comment = readText(ctx, k, 'comment');
  return undef(p);
}

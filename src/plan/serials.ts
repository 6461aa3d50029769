/**
 * Serial sequences through renames: PostgreSQL keeps a serial column's sequence name when its table or column is
 * renamed, but the schema built from nothing names it after the new table and column (`<table>_<column>_seq`). A
 * column that stays serial therefore has its sequence renamed after the table and column renames (the default
 * names the sequence by oid, so it follows). A sequence with a name of its own is a free sequence and keeps it.
 */
import type { Change } from '../model/changes.js';
import { makeObjectName } from '../canon/names.js';
import { nameOf, schemaOf } from '../sql/ddl.js';
import { qualified, quoteIdent } from '../sql/quote.js';
import { emit, PHASE, type PlanContext } from './context.js';

/** planSerialRenames renames the own sequence of every serial column whose table or column is renamed. */
export function planSerialRenames(ctx: PlanContext, changes: readonly Change[]): void {
  const tableFrom = new Map<string, string>();
  const columnFrom = new Map<string, Map<string, string>>();
  for (const c of changes) {
    if (c.op !== 'rename') continue;
    if (c.kind === 'table') tableFrom.set(c.id, c.fromId);
    else if (c.kind === 'column' && c.table) {
      if (!columnFrom.has(c.table)) columnFrom.set(c.table, new Map());
      columnFrom.get(c.table)!.set(c.id, c.fromId);
    }
  }
  for (const t of new Set([...tableFrom.keys(), ...columnFrom.keys()])) {
    const to = ctx.to.tables[t];
    const from = ctx.from.tables[t];
    if (!to || !from) continue;
    const oldTable = nameOf(tableFrom.get(t) ?? t);
    for (const col of to.columns) {
      if (!col.serial || !from.columns.find((f) => f.name === col.name)?.serial) continue;
      const oldName = makeObjectName(oldTable, columnFrom.get(t)?.get(col.name) ?? col.name, 'seq');
      const newName = makeObjectName(nameOf(t), col.name, 'seq');
      if (oldName === newName) continue;
      const schema = schemaOf(t);
      emit(ctx, {
        phase: PHASE.rename + 0.35,
        what: `rename sequence ${qualified(schema, oldName)} to ${newName}`,
        object: `${t}.${col.name}`,
        sql: [`ALTER SEQUENCE ${qualified(schema, oldName)} RENAME TO ${quoteIdent(newName)}`],
        reverse: [`ALTER SEQUENCE ${qualified(schema, newName)} RENAME TO ${quoteIdent(oldName)}`],
      });
    }
  }
}

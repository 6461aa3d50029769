/** Small builders of hand-made models for merge unit tests. */
import { emptySchema, emptyTable, type Column, type EnumType, type Schema, type Table } from '../../src/model/types.js';

export function col(name: string, type = 'text', extra: Partial<Column> = {}): Column {
  return { kind: 'column', name, type, nullable: true, ...extra };
}

export function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return { ...emptyTable('public', name), columns, ...extra };
}

export function enumType(name: string, values: string[], extra: Partial<EnumType> = {}): EnumType {
  return { kind: 'enum', schema: 'public', name, values, ...extra };
}

export function schema(
  parts: { tables?: Table[]; enums?: EnumType[] } & Partial<Omit<Schema, 'tables' | 'enums'>> = {},
): Schema {
  const { tables = [], enums = [], ...rest } = parts;
  return {
    ...emptySchema(),
    ...rest,
    tables: Object.fromEntries(tables.map((t) => [t.name, t])),
    enums: Object.fromEntries(enums.map((e) => [e.name, e])),
  };
}

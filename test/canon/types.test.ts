import { describe, expect, it } from 'vitest';
import {
  argTypes,
  normalizeCollation,
  normalizeFunctionArgs,
  normalizeReturns,
  normalizeType,
} from '../../src/canon/index.js';

describe('normalizeType', () => {
  const cases: Array<[string, string]> = [
    ['int', 'integer'],
    ['INT4', 'integer'],
    ['integer', 'integer'],
    ['int8', 'bigint'],
    ['BigInt', 'bigint'],
    ['int2', 'smallint'],
    ['bool', 'boolean'],
    ['float8', 'double precision'],
    ['double   precision', 'double precision'],
    ['float', 'double precision'],
    ['float(10)', 'real'],
    ['float(30)', 'double precision'],
    ['float4', 'real'],
    ['decimal', 'numeric'],
    ['decimal(10, 2)', 'numeric(10,2)'],
    ['numeric( 10 ,2 )', 'numeric(10,2)'],
    ['varchar(20)', 'character varying(20)'],
    ['character varying(20)', 'character varying(20)'],
    ['VARCHAR', 'character varying'],
    ['char', 'character(1)'],
    ['char(3)', 'character(3)'],
    ['character(3)', 'character(3)'],
    ['bpchar', 'bpchar'],
    ['"char"', '"char"'],
    ['timestamptz', 'timestamp with time zone'],
    ['timestamp with time zone', 'timestamp with time zone'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamp with time zone'],
    ['timestamp', 'timestamp without time zone'],
    ['timestamp(3)', 'timestamp(3) without time zone'],
    ['timestamptz(3)', 'timestamp(3) with time zone'],
    ['timestamp(3) with time zone', 'timestamp(3) with time zone'],
    ['time', 'time without time zone'],
    ['timetz', 'time with time zone'],
    ['varbit', 'bit varying'],
    ['varbit(4)', 'bit varying(4)'],
    ['bit', 'bit(1)'],
    ['int[]', 'integer[]'],
    ['int[][]', 'integer[]'],
    ['integer ARRAY', 'integer[]'],
    ['integer array[3]', 'integer[]'],
    ['varchar(10)[]', 'character varying(10)[]'],
    ['text', 'text'],
    ['uuid', 'uuid'],
    ['jsonb', 'jsonb'],
    ['public.status', 'status'],
    ['Public.Status', 'status'],
    ['"Status"', '"Status"'],
    ['billing.money_amount', 'billing.money_amount'],
    ['billing.money_amount[]', 'billing.money_amount[]'],
    ['pg_catalog.int4', 'integer'],
    ['citext', 'citext'],
    ['geometry(Point, 4326)', 'geometry(Point,4326)'],
    ['interval', 'interval'],
  ];
  for (const [input, want] of cases) it(`${input} -> ${want}`, () => expect(normalizeType(input)).toBe(want));
});

describe('function signatures', () => {
  it('normalises argument lists and derives identity types', () => {
    expect(normalizeFunctionArgs("a int, b varchar(3) = 'x', out c bool")).toEqual({
      args: "a integer, b character varying DEFAULT 'x', OUT c boolean",
      identityArgs: 'a integer, b character varying, OUT c boolean',
    });
    expect(normalizeFunctionArgs('')).toEqual({ args: '', identityArgs: '' });
    expect(normalizeFunctionArgs('double precision, timestamp with time zone')).toEqual({
      args: 'double precision, timestamp with time zone',
      identityArgs: 'double precision, timestamp with time zone',
    });
    expect(normalizeFunctionArgs('IN x int4, VARIADIC rest text[]').identityArgs).toBe(
      'x integer, VARIADIC rest text[]',
    );
    expect(normalizeFunctionArgs('x int4, OUT y int', true)).toEqual({
      args: 'IN x integer, OUT y integer',
      identityArgs: 'IN x integer, OUT y integer',
    });
    expect(argTypes('x integer, VARIADIC rest text[], OUT y int')).toBe('integer, text[]');
  });
  it('normalises result types', () => {
    expect(normalizeReturns('setof int')).toBe('SETOF integer');
    expect(normalizeReturns('table(a int, b varchar)')).toBe('TABLE(a integer, b character varying)');
    expect(normalizeReturns('trigger')).toBe('trigger');
  });
});

describe('normalizeCollation', () => {
  it('writes collations as introspection reports them', () => {
    expect(normalizeCollation('C')).toBe('C');
    expect(normalizeCollation('"C"')).toBe('C');
    expect(normalizeCollation('pg_catalog."C"')).toBe('C');
    expect(normalizeCollation('en_US.utf8')).toBe('en_US.utf8');
    expect(normalizeCollation('pg_catalog."en_US.utf8"')).toBe('en_US.utf8');
    expect(normalizeCollation('billing."My Coll"')).toBe('billing."My Coll"');
  });
});

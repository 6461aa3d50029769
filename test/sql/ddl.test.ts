/** The DDL compiler: every name through quoteIdent, every literal through quoteLiteral; bodies safely dollar-quoted. */
import { describe, expect, it } from 'vitest';
import {
  createFunction,
  createIndex,
  dollarQuote,
  rel,
  seqOptions,
  columnDef,
  typeNamer,
  createPolicy,
  commentOn,
} from '../../src/sql/ddl.js';
import type { Func } from '../../src/model/types.js';

describe('ddl', () => {
  it('reads a bare keyword type as the built-in even when a user type has that name', () => {
    // pg-schema-diff's CVE-2018-1058 case: a domain public."integer" beside a column of the built-in integer; the
    // column was written public."integer" (the domain), so the up migration changed it to the wrong type
    const ty = typeNamer(new Set(['integer', 'mood']));
    expect(ty('integer')).toBe('integer');
    expect(ty('integer[]')).toBe('integer[]');
    expect(ty('"integer"')).toBe('"integer"');
    expect(ty('mood')).toBe('public.mood');
    expect(ty('mood[]')).toBe('public.mood[]');
  });

  it('writes ids as qualified, quoted names', () => {
    expect(rel('users')).toBe('public.users');
    expect(rel('"Select; DROP"."""Order"" Items"')).toBe('"Select; DROP"."""Order"" Items"');
    expect(rel('"user"')).toBe('public."user"');
  });

  it('picks a dollar tag that never occurs in the body', () => {
    expect(dollarQuote('x')).toBe('$body$x$body$');
    expect(dollarQuote('a $body$ b')).toBe('$body1$a $body$ b$body1$');
    expect(dollarQuote('a $body$ $body1$')).toBe('$body2$a $body$ $body1$$body2$');
  });

  it('writes functions with options and a quoted comment', () => {
    const f: Func = {
      kind: 'function',
      schema: 'public',
      name: 'f',
      args: 'a integer',
      identityArgs: 'a integer',
      returns: 'integer',
      language: 'sql',
      body: "SELECT a + 1 -- $body$ '",
      volatility: 'immutable',
      strict: true,
      set: { search_path: 'public, pg_temp' },
      comment: "it's",
    };
    const [create, comment] = createFunction(f);
    expect(create).toBe(
      "CREATE FUNCTION public.f(a integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT SET search_path TO 'public', 'pg_temp'\nAS $body1$SELECT a + 1 -- $body$ '$body1$",
    );
    expect(comment).toBe("COMMENT ON FUNCTION public.f(a integer) IS 'it''s'");
  });

  it('writes literal defaults through quoteLiteral and expressions verbatim', () => {
    const ty = typeNamer(new Set(['mood']));
    expect(
      columnDef(
        { kind: 'column', name: 'select', type: 'text', nullable: false, default: { literal: "'; DROP TABLE x; --" } },
        ty,
      ),
    ).toBe(`"select" text DEFAULT '''; DROP TABLE x; --' NOT NULL`);
    expect(columnDef({ kind: 'column', name: 'm', type: 'mood[]', nullable: true, default: { sql: "'{}'" } }, ty)).toBe(
      `m public.mood[] DEFAULT '{}'`,
    );
    expect(columnDef({ kind: 'column', name: 'id', type: 'bigint', nullable: false, serial: true }, ty)).toBe(
      'id bigserial NOT NULL',
    );
  });

  it('writes indexes, policies, sequences and comments', () => {
    expect(
      createIndex('t', {
        kind: 'index',
        name: 'i; x',
        unique: true,
        using: 'btree',
        elements: [{ column: 'a b', order: 'desc', nulls: 'last' }, { expression: 'lower(c)' }],
        include: ['d'],
        where: 'a > 0',
      })[0],
    ).toBe('CREATE UNIQUE INDEX "i; x" ON public.t ("a b" DESC NULLS LAST, (lower(c))) INCLUDE (d) WHERE (a > 0)');
    expect(
      createPolicy('t', {
        kind: 'policy',
        name: 'p',
        command: 'select',
        permissive: false,
        roles: ['public', 'Admin Role'],
        using: 'true',
      })[0],
    ).toBe('CREATE POLICY p ON public.t AS RESTRICTIVE FOR SELECT TO PUBLIC, "Admin Role" USING (true)');
    expect(seqOptions({ type: 'integer', start: '5' }).join(' ')).toBe('AS integer START WITH 5');
    expect(seqOptions({ increment: '-1' }, { full: true }).join(' ')).toBe(
      'AS bigint INCREMENT BY -1 NO MINVALUE NO MAXVALUE START WITH -1 CACHE 1 NO CYCLE',
    );
    // retyped going down: the default MAXVALUE is written as -1 (PostgreSQL would reset it to smallint's 32767)
    expect(seqOptions({ type: 'smallint', increment: '-1' }, { full: true, from: {} }).join(' ')).toBe(
      'AS smallint INCREMENT BY -1 NO MINVALUE MAXVALUE -1 START WITH -1 CACHE 1 NO CYCLE',
    );
    expect(seqOptions({ type: 'smallint' }, { full: true, withType: false, from: {} }).join(' ')).toBe(
      'INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1 CACHE 1 NO CYCLE',
    );
    expect(() => seqOptions({ start: '1; DROP' })).toThrow();
    expect(commentOn('TABLE', rel('t'), undefined)).toBe('COMMENT ON TABLE public.t IS NULL');
  });
});

/** DDL of domains: CREATE DOMAIN with its checks (and their comments), comment, owner and grants. */
import { keepArrayCoercion } from './arraycast.js';
import type { Domain, DomainCheck } from '../model/types.js';
import { quoteIdent } from './quote.js';
import { createGrants, createOwner } from './grants.js';
import { commentOn, defaultSql, dottedName, rel, type TypeNamer } from './ddl.js';

/** addDomainCheck writes ALTER DOMAIN ... ADD CONSTRAINT for one check of domain `id`, and its comment. */
export function addDomainCheck(id: string, c: DomainCheck): string[] {
  const add = `ALTER DOMAIN ${rel(id)} ADD CONSTRAINT ${quoteIdent(c.name)} CHECK (${keepArrayCoercion(c.expression)})`;
  const comment = c.comment === undefined ? [] : [domainCheckComment(id, c.name, c.comment)];
  return [add + (c.notValid ? ' NOT VALID' : ''), ...comment];
}

/** domainCheckComment writes COMMENT ON CONSTRAINT for check `name` of domain `id` (NULL: none). */
export const domainCheckComment = (id: string, name: string, comment: string | undefined): string =>
  commentOn('CONSTRAINT', `${quoteIdent(name)} ON DOMAIN ${rel(id)}`, comment);

/** createDomain writes CREATE DOMAIN with its checks and comment. */
export function createDomain(id: string, d: Domain, ty: TypeNamer): string[] {
  let s = `CREATE DOMAIN ${rel(id)} AS ${ty(d.type)}`;
  if (d.collation) s += ` COLLATE ${dottedName(d.collation)}`;
  if (d.default) s += ` DEFAULT ${defaultSql(d.default)}`;
  if (!d.nullable) s += d.notNullName !== undefined ? ` CONSTRAINT ${quoteIdent(d.notNullName)} NOT NULL` : ' NOT NULL';
  const out = [s];
  for (const c of Object.values(d.checks)) out.push(...addDomainCheck(id, c));
  if (d.comment !== undefined) out.push(commentOn('DOMAIN', rel(id), d.comment));
  out.push(...createOwner(`DOMAIN ${rel(id)}`, d.owner));
  out.push(...createGrants(`DOMAIN ${rel(id)}`, 'type', d.grants));
  return out;
}

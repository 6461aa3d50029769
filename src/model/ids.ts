/**
 * Object ids: the keys of the model's maps and the names users write in YAML.
 * `users` is public.users; `billing.invoices` is billing.invoices; a part that is not a plain
 * lower-case identifier is double-quoted SQL-style: `"Order Items"`, `"a.b"."c""d"`.
 */

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

/** idPart writes one name as it appears inside an id: bare when plain, double-quoted otherwise. */
export function idPart(name: string): string {
  return PLAIN.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** qid builds the id of a schema-qualified object; objects in `public` are written unqualified. */
export function qid(schema: string, name: string): string {
  return schema === 'public' ? idPart(name) : `${idPart(schema)}.${idPart(name)}`;
}

/** funcId builds the id of a function: its qid and its identity argument types. */
export function funcId(schema: string, name: string, identityArgs: string): string {
  return `${qid(schema, name)}(${identityArgs})`;
}

/** QName is a parsed id. */
export interface QName {
  readonly schema: string;
  readonly name: string;
}

/**
 * splitId splits a dotted, optionally quoted name into its parts (`a."b.c"` -> [a, b.c]).
 * Returns undefined when the text is not a well-formed dotted name.
 */
export function splitId(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  if (s === '') return undefined;
  while (i <= s.length) {
    if (s[i] === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= s.length) return undefined;
        if (s[j] === '"') {
          if (s[j + 1] === '"') {
            out += '"';
            j += 2;
            continue;
          }
          break;
        }
        out += s[j];
        j++;
      }
      if (out === '') return undefined;
      parts.push(out);
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.') j++;
      const raw = s.slice(i, j).trim();
      if (raw === '') return undefined;
      parts.push(raw);
      i = j;
    }
    if (i >= s.length) break;
    if (s[i] !== '.') return undefined;
    i++;
    if (i >= s.length) return undefined;
  }
  return parts;
}

/** parseQid reads `name` or `schema.name` (parts optionally quoted); undefined when malformed. */
export function parseQid(text: string): QName | undefined {
  const parts = splitId(text);
  if (!parts || parts.length > 2) return undefined;
  return parts.length === 1 ? { schema: 'public', name: parts[0]! } : { schema: parts[0]!, name: parts[1]! };
}

/** normalizeId rewrites a user-written name (`public.users`, `"users"`) to its canonical id (`users`). */
export function normalizeId(text: string): string | undefined {
  const q = parseQid(text);
  return q ? qid(q.schema, q.name) : undefined;
}

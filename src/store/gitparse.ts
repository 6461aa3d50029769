/**
 * Parsing git commit, tree and tag objects (content without the header). Malformed content is a
 * `corrupt-store` error naming the object: a damaged store is refused, never read as empty.
 */
import { corruptStore, describeObject, type Where } from './read.js';

/** ParsedCommit is a commit object's fields. */
export interface ParsedCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: { readonly name: string; readonly email: string; readonly timestamp: number };
  readonly message: string;
}

/** TreeEntry is one entry of a tree object. */
export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit';
}

/** malformed is the corrupt-store error for an object that does not parse. */
function malformed(kind: string, oid: string, why: string, where?: Where) {
  return corruptStore(`${describeObject(kind, oid, where)} does not parse: ${why}`, {
    object: oid,
    kind,
    problem: 'unparseable',
    ...(where?.commit ? { commit: where.commit } : {}),
    ...(where?.path !== undefined ? { path: where.path } : {}),
  });
}

/** parseCommit parses a commit object. */
export function parseCommit(oid: string, content: Buffer, where?: Where): ParsedCommit {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? '' : text.slice(split + 2);
  let tree: string | undefined;
  const parents: string[] = [];
  let author: ParsedCommit['author'] | undefined;
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) continue; // continuation (gpgsig)
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree' && /^[0-9a-f]{40}$/.test(value)) tree = value;
    else if (key === 'parent') {
      if (!/^[0-9a-f]{40}$/.test(value)) throw malformed('commit', oid, `bad parent line '${value}'`, where);
      parents.push(value);
    } else if (key === 'author') {
      const m = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(value);
      if (!m) throw malformed('commit', oid, 'bad author line', where);
      author = { name: m[1]!, email: m[2]!, timestamp: Number(m[3]) };
    }
  }
  if (!tree) throw malformed('commit', oid, 'no tree line', where);
  if (!author) throw malformed('commit', oid, 'no author line', where);
  return { tree, parents, author, message };
}

/** parseTree parses a tree object into its entries. */
export function parseTree(oid: string, content: Buffer, where?: Where): TreeEntry[] {
  const out: TreeEntry[] = [];
  let pos = 0;
  while (pos < content.length) {
    const sp = content.indexOf(0x20, pos);
    const nul = sp < 0 ? -1 : content.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > content.length) throw malformed('tree', oid, 'truncated entry', where);
    const mode = content.toString('latin1', pos, sp);
    const name = content.toString('utf8', sp + 1, nul);
    if (!/^[0-7]{5,6}$/.test(mode) || name === '' || name.includes('/'))
      throw malformed('tree', oid, `bad entry '${mode} ${name}'`, where);
    const type = mode === '40000' || mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    out.push({ mode, name, oid: content.toString('hex', nul + 1, nul + 21), type });
    pos = nul + 21;
  }
  return out;
}

/** parseTag parses an annotated tag: the object it names and that object's type. */
export function parseTag(oid: string, content: Buffer): { object: string; type: string } {
  const text = content.toString('utf8');
  const obj = /^object ([0-9a-f]{40})$/m.exec(text);
  const type = /^type (\w+)$/m.exec(text);
  if (!obj || !type) throw malformed('tag', oid, 'no object/type line');
  return { object: obj[1]!, type: type[1]! };
}

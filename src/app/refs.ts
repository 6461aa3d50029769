/**
 * Ref decorations for human output: `(HEAD -> main, tag: v1, feature)` next to a commit id, as git prints them.
 */
import type { Store } from '../store/index.js';

/** decorations maps commit ids to their labels: `HEAD -> main` (or `HEAD`), branches, `tag: NAME`. */
export async function decorations(store: Store): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const add = (id: string, label: string) => {
    const list = out.get(id) ?? [];
    list.push(label);
    out.set(id, list);
  };
  const head = await store.head();
  const current = await store.currentBranch();
  if (head && !current) add(head, 'HEAD');
  for (const b of await store.branches()) add(b.id, b.name === current ? `HEAD -> ${b.name}` : b.name);
  for (const t of await store.tags()) add(t.id, `tag: ${t.name}`);
  for (const labels of out.values()) labels.sort((a, b) => rank(a) - rank(b));
  return out;
}

/** rank orders labels: HEAD first, then tags, then branches (stable otherwise). */
function rank(label: string): number {
  return label.startsWith('HEAD') ? 0 : label.startsWith('tag: ') ? 1 : 2;
}

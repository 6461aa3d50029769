/**
 * renderGraph draws history as an ASCII DAG the way `git log --graph` does: one lane per line of
 * descent, `*` for a commit, `|\` where a merge opens a lane, `|/` where lanes join.
 */

/** GraphCommit is what the graph needs of a commit. */
export interface GraphCommit {
  readonly id: string;
  readonly parents: readonly string[];
}

/** GraphRow is one output row: the graph prefix and, for commit rows, the commit it stands for. */
export interface GraphRow {
  readonly prefix: string;
  readonly commit?: string;
}

/**
 * renderGraph lays out commits (children before parents, as Store.log returns them) into rows.
 * Parents outside the list (history cut by `-n`) end their lane.
 */
export function renderGraph(commits: readonly GraphCommit[]): GraphRow[] {
  const shown = new Set(commits.map((c) => c.id));
  let lanes: string[] = [];
  const rows: GraphRow[] = [];
  for (const c of commits) {
    let idx = lanes.indexOf(c.id);
    if (idx < 0) {
      lanes.push(c.id);
      idx = lanes.length - 1;
    }
    // lanes after idx that also wait for this commit join it before it is drawn
    const dup = lanes.map((l, i) => (l === c.id && i !== idx ? i : -1)).filter((i) => i >= 0);
    if (dup.length) {
      const next = lanes.filter((l, i) => !(l === c.id && i !== idx));
      rows.push({ prefix: connector(lanes, next, c.id, idx, dup) });
      lanes = next;
      idx = lanes.indexOf(c.id);
    }
    const parents = c.parents.filter((p) => shown.has(p));
    rows.push({ prefix: lanes.map((_, i) => (i === idx ? '*' : '|')).join(' '), commit: c.id });
    // next lanes: this lane continues with the first parent unless another lane already waits for it
    const next = [...lanes];
    if (parents.length === 0) next.splice(idx, 1);
    else {
      const first = parents[0]!;
      if (lanes.includes(first) && lanes.indexOf(first) !== idx) next.splice(idx, 1);
      else next[idx] = first;
      let insertAt = next.indexOf(first) >= 0 ? next.indexOf(first) + 1 : idx;
      for (const p of parents.slice(1)) {
        if (!next.includes(p)) {
          next.splice(insertAt, 0, p);
          insertAt++;
        }
      }
    }
    const changed = next.length !== lanes.length || next.some((l, i) => l !== lanes[i]) || parents.length > 1;
    if (changed && (next.length || lanes.length > 1)) {
      const line = transition(lanes, next, idx, parents);
      if (line.trim() !== next.map(() => '|').join(' ')) rows.push({ prefix: line });
    }
    lanes = next;
  }
  return rows.map((r) => ({ ...r, prefix: r.prefix.replace(/\s+$/, '') }));
}

/** transition draws the row between a commit and the next one: `\` to new parent lanes, `/` for lanes moving left. */
function transition(
  lanes: readonly string[],
  next: readonly string[],
  idx: number,
  parents: readonly string[],
): string {
  const width = 2 * Math.max(lanes.length, next.length) + 2;
  const row: string[] = Array.from({ length: width }, () => ' ');
  const put = (col: number, ch: string) => {
    if (col >= 0 && col < width && (row[col] === ' ' || ch === '|')) row[col] = ch;
  };
  const draw = (from: number, to: number) => {
    if (to === from) put(2 * from, '|');
    else if (to === from + 1) put(2 * from + 1, '\\');
    else if (to === from - 1) put(2 * from - 1, '/');
    else if (to > from) {
      for (let x = 2 * from + 1; x < 2 * to; x += 2) put(x, '\\'); // octopus: `|\ \`
    } else {
      put(2 * to + 1, '/');
      for (let x = 2 * to + 2; x < 2 * from; x++) put(x, '_');
    }
  };
  lanes.forEach((l, i) => {
    if (i === idx) {
      for (const p of parents) {
        const t = next.indexOf(p);
        if (t >= 0) draw(i, t);
      }
      return;
    }
    const t = next.indexOf(l);
    if (t >= 0) draw(i, t);
  });
  return row.join('');
}

/** connector draws lanes `dup` joining lane `idx` (all waiting for commit `id`). */
function connector(
  lanes: readonly string[],
  next: readonly string[],
  id: string,
  idx: number,
  dup: readonly number[],
): string {
  const width = 2 * lanes.length + 2;
  const row: string[] = Array.from({ length: width }, () => ' ');
  const put = (col: number, ch: string) => {
    if (col >= 0 && col < width && row[col] === ' ') row[col] = ch;
  };
  lanes.forEach((l, i) => {
    const t = dup.includes(i) ? next.indexOf(id) : next.indexOf(l);
    if (t === i) put(2 * i, '|');
    else if (t === i - 1) put(2 * i - 1, '/');
    else if (t < i) {
      put(2 * t + 1, '/');
      for (let x = 2 * t + 2; x < 2 * i; x++) put(x, '_');
    }
  });
  return row.join('');
}

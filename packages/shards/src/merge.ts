/** A row of a list ordered newest first: by creation time, then by id, both descending. */
export interface Recent {
  id: number;
  created_at: Date;
}

/** Negative when `a` comes first in a newest-first list. */
export function newestFirst(a: Recent, b: Recent): number {
  return b.created_at.getTime() - a.created_at.getTime() || b.id - a.id;
}

/**
 * One page of the union of lists each already ordered newest first (one per shard): a k-way merge that takes the
 * newest head each step, skips an id already taken (an author's rows visible on two shards for an instant while they
 * move), and stops once the page is full. Each list needs only its first `offset + limit` rows.
 */
export function mergePage<T extends Recent>(
  lists: readonly (readonly T[])[],
  page: { offset: number; limit: number },
): T[] {
  const heads = lists.map(() => 0);
  const seen = new Set<number>();
  const merged: T[] = [];
  const wanted = page.offset + page.limit;
  while (merged.length < wanted) {
    let next = -1;
    for (let list = 0; list < lists.length; list++) {
      const head = lists[list]?.[heads[list] as number];
      const best = next === -1 ? undefined : lists[next]?.[heads[next] as number];
      if (head && (!best || newestFirst(head, best) < 0)) next = list;
    }
    if (next === -1) break;
    const row = lists[next]?.[heads[next] as number] as T;
    heads[next] = (heads[next] as number) + 1;
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    merged.push(row);
  }
  return merged.slice(page.offset);
}

/** Whether `ancestorId` is on the path from `span` up to its trace's root, following the spans' parent ids. */
export function descendsFrom<Span extends { id: string; parentId?: string }>(
  span: Span,
  ancestorId: string,
  spans: Span[],
): boolean {
  const byId = new Map(spans.map((candidate) => [candidate.id, candidate]));
  for (let parent = span.parentId; parent !== undefined; parent = byId.get(parent)?.parentId) {
    if (parent === ancestorId) return true;
  }
  return false;
}

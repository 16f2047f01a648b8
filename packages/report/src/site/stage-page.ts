import { readLesson } from '../results/lesson.ts';
import type { StageResults } from '../results/stage-results.ts';
import { escapeHtml, inlineMarkdown } from './html.ts';
import { renderResultSet } from './result-sections.ts';

/** A stage's page: the bottleneck it removes, its fix, its figures and drills, every chart inline. */
export async function renderStageBody(stage: StageResults): Promise<string> {
  const lesson = readLesson(stage);
  const parts = [`<h1>${escapeHtml(stage.readme.title)}</h1>`];
  if (stage.adds) parts.push(`<p class="lead">${escapeHtml(stage.adds)}</p>`);
  parts.push(
    '<div class="card">',
    '<h2>The bottleneck</h2>',
    `<p>${lesson.bottleneck ? inlineMarkdown(lesson.bottleneck) : 'None yet: this is the starting point, measured so that the next stages have something to beat.'}</p>`,
    '</div>',
  );
  if (lesson.fix || lesson.changes.length > 0) {
    parts.push('<h2>The fix</h2>');
    if (lesson.fix) parts.push(`<p>${inlineMarkdown(lesson.fix)}</p>`);
    if (lesson.changes.length > 0) {
      parts.push(`<ol>${lesson.changes.map((change) => `<li>${inlineMarkdown(change)}</li>`).join('')}</ol>`);
    }
  }
  if (lesson.limits.length > 0) {
    parts.push(
      '<h2>Where it will break</h2>',
      `<ul>${lesson.limits.map((limit) => `<li>${inlineMarkdown(limit)}</li>`).join('')}</ul>`,
    );
  }
  parts.push('<h2>Figures</h2>', ...(await renderResultSet(stage.results, 'results')));
  const { drills, burstDrills, benches, demo } = stage.results;
  if (drills.length === 0 && burstDrills.length === 0 && benches.length === 0 && !demo) {
    parts.push('<p>No results committed yet.</p>');
  }
  for (const [index, check] of stage.checks.entries()) {
    parts.push(
      `<h2>${escapeHtml(check.readme?.title ?? check.path)}</h2>`,
      ...(check.readme?.intro.flatMap((block) =>
        block.kind === 'paragraph' ? [`<p>${inlineMarkdown(block.text)}</p>`] : [],
      ) ?? []),
      ...(await renderResultSet(check, `check-${index}`)),
    );
  }
  return parts.join('\n');
}

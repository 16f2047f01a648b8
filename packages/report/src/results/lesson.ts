import { leadIn, type ProseBlock } from './readme.ts';
import type { StageResults } from './stage-results.ts';

/** What a stage's README says it is for, in the report's terms. Markdown, as the README has it. */
export interface Lesson {
  /** What limited the stage before, which this stage removes; none for the first stage. */
  bottleneck?: string;
  /** The stage's own summary of its fix, when its opening paragraph has one. */
  fix?: string;
  /** The lead-ins of the README's numbered list of changes. */
  changes: string[];
  /** Where the stage's README says it will break, when it has that section. */
  limits: string[];
}

/**
 * Each README opens with the previous stage's limits, then (in the same paragraph or in a numbered list) what this
 * stage changes; its first sentence that begins "Stage N" (its own number) is where the fix starts.
 */
export function readLesson(stage: StageResults): Lesson {
  const paragraphs = stage.readme.intro.filter((block) => block.kind === 'paragraph').map((block) => block.text);
  const lists = stage.readme.intro.filter(
    (block): block is Extract<ProseBlock, { kind: 'list' }> => block.kind === 'list' && block.ordered,
  );
  const limitsSection = stage.readme.sections.get('Where it will break') ?? [];
  const limits = limitsSection.flatMap((block) => (block.kind === 'list' ? block.items : []));
  const lesson: Lesson = { changes: lists[0]?.items.map(leadIn) ?? [], limits };
  // "(below, stage 1 column)" points into the README's own layout, which the report does not have.
  const opening = paragraphs[0]?.replace(/ \(below[^)]*\)/g, '');
  if (stage.number === 1 || opening === undefined) return lesson;
  const sentences = opening.split(/(?<=[.:])\s+(?=[A-Z])/);
  const fixStart = sentences.findIndex((sentence) => sentence.startsWith(`Stage ${stage.number} `));
  if (fixStart === -1) return { ...lesson, bottleneck: opening };
  return {
    ...lesson,
    bottleneck: sentences.slice(0, fixStart).join(' ') || undefined,
    fix: sentences.slice(fixStart).join(' '),
  };
}

import { BaseSequencer, type TestSpecification } from 'vitest/node';

const isStageTest = (file: TestSpecification) => file.project.name === 'stages';

/**
 * Stage test files in folder order instead of vitest's by-duration order (the rest keep it): the files of one stage
 * then run one after the other, so those that share a boot (`useNativeStage(..., { shared: true })`) boot it once.
 */
export class StageOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const stages = sorted.filter(isStageTest).sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return [...sorted.filter((file) => !isStageTest(file)), ...stages];
  }
}

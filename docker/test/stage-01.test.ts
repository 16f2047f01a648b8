import { describeDockerStage } from './docker-stage.ts';

describeDockerStage({ stage: 1, entry: 'app' });

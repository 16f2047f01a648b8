import { describeDockerStage } from './docker-stage.ts';

describeDockerStage({ stage: 1, folder: '01-single-server', entry: 'app' });

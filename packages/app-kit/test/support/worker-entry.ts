// The worker process exactly as stages 2 and 3 start it, for the tests to run as a child process.
import { loadWorkerConfig, runWorkerProcess } from '../../src/index.ts';

await runWorkerProcess(loadWorkerConfig());

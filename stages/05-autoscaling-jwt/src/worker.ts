import { loadWorkerConfig, runWorkerProcess } from '@scaling/app-kit';

// The jobs run outside the API process: a heavy job spends this process's event loop, not the API's, and a crash
// takes down only this process, which its supervisor restarts. The jobs table is the only link between them.
await runWorkerProcess(loadWorkerConfig());

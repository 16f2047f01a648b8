// Stage 3 changes nothing in the worker: the same process as stage 2, one per deployment, on the data host.
// The replicas only enqueue (in the article's transaction); this process runs the jobs.
import '../../02-separate-database/src/worker.ts';

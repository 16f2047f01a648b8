import { apiOrigin, loadPlan } from '@scaling/stack';
import { runConformance, totals } from './run.ts';

// A URL, or a stage number whose native plan says where its API listens (stage 1's by default).
const target = process.argv[2] ?? '1';
const origin = /^\d+$/.test(target)
  ? apiOrigin(loadPlan(target))
  : target.replace(/\/api\/?$/, '').replace(/\/$/, '');
console.error(`Running the official RealWorld suite against ${origin}/api ...`);

const results = await runConformance(origin, {
  onFolder: (result) => {
    const mark = result.failures.length === 0 ? 'ok  ' : 'FAIL';
    console.error(
      `${mark} ${result.folder.padEnd(22)} requests ${result.passedRequests}/${result.totalRequests}` +
        `  assertions ${result.passedAssertions}/${result.totalAssertions}`,
    );
    for (const failure of result.failures) console.error(`       ${failure}`);
  },
});

const sum = totals(results);
console.log(
  `RealWorld conformance: requests ${sum.passedRequests}/${sum.totalRequests} passed, ` +
    `assertions ${sum.passedAssertions}/${sum.totalAssertions} passed.`,
);
if (
  sum.totalRequests === 0 ||
  sum.passedRequests !== sum.totalRequests ||
  sum.passedAssertions !== sum.totalAssertions
) {
  console.error(
    'Fix the first failure of each folder first: later requests in a folder depend on its setup requests.',
  );
  process.exitCode = 1;
}

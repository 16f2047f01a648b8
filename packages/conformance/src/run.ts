import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The official RealWorld collection (spec v2.0.0), vendored unchanged with its MIT licence. */
export const defaultCollectionDir = resolve(import.meta.dirname, '../vendor/realworld/bruno');

export interface FolderResult {
  folder: string;
  totalRequests: number;
  passedRequests: number;
  totalAssertions: number;
  passedAssertions: number;
  failures: string[];
}

interface BrunoRequestResult {
  path: string;
  error?: string | null;
  status: string;
  assertionResults?: { status: string; lhsExpr?: string; error?: string }[];
  postResponseTestResults?: { status: string; description?: string; error?: string }[];
  response?: { status?: number | string };
}

interface BrunoReport {
  results: BrunoRequestResult[];
  summary: { totalRequests: number; passedRequests: number };
}

function brunoBin(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@usebruno/cli/package.json');
  return join(dirname(packageJson), 'bin', 'bru.js');
}

/** Every folder of the collection is one `bru run`, as the collection's README prescribes; `environments` holds no requests. */
export function listFolders(collectionDir = defaultCollectionDir): string[] {
  return readdirSync(collectionDir)
    .filter((name) => name !== 'environments' && statSync(join(collectionDir, name)).isDirectory())
    .sort();
}

function summarise(folder: string, report: BrunoReport): FolderResult {
  const checks = report.results.flatMap((result) => [
    ...(result.assertionResults ?? []),
    ...(result.postResponseTestResults ?? []),
  ]);
  const failures = report.results
    .filter((result) => result.status !== 'pass')
    .map((result) => {
      const failed =
        result.assertionResults?.find((a) => a.status !== 'pass')?.error ??
        result.postResponseTestResults?.find((t) => t.status !== 'pass')?.error ??
        result.error ??
        'failed';
      return `${result.path} (HTTP ${result.response?.status ?? '-'}): ${failed}`;
    });
  return {
    folder,
    totalRequests: report.summary.totalRequests,
    passedRequests: report.summary.passedRequests,
    totalAssertions: checks.length,
    passedAssertions: checks.filter((check) => check.status === 'pass').length,
    failures,
  };
}

/** Runs the official suite against `origin` (without `/api`), folder by folder, reporting each folder as it finishes. */
export async function runConformance(
  origin: string,
  options: { collectionDir?: string; onFolder?: (result: FolderResult) => void } = {},
): Promise<FolderResult[]> {
  const collectionDir = options.collectionDir ?? defaultCollectionDir;
  const outputDir = mkdtempSync(join(tmpdir(), 'conformance-'));
  const results: FolderResult[] = [];
  try {
    for (const folder of listFolders(collectionDir)) {
      const reportFile = join(outputDir, `${folder}.json`);
      // bru exits non-zero when a request fails; the JSON report is the verdict either way.
      await run(
        process.execPath,
        [
          brunoBin(),
          'run',
          folder,
          '--env',
          'local',
          '--env-var',
          `host=${origin}`,
          '--reporter-json',
          reportFile,
        ],
        { cwd: collectionDir, maxBuffer: 64 * 1024 * 1024 },
      ).catch(() => undefined);
      let report: BrunoReport;
      try {
        [report] = JSON.parse(readFileSync(reportFile, 'utf8')) as [BrunoReport];
      } catch {
        throw new Error(
          `The Bruno CLI wrote no report for folder "${folder}". Run it by hand from ${collectionDir} to see why.`,
        );
      }
      const result = summarise(folder, report);
      results.push(result);
      options.onFolder?.(result);
    }
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
  return results;
}

export function totals(results: FolderResult[]) {
  const sum = (key: 'totalRequests' | 'passedRequests' | 'totalAssertions' | 'passedAssertions') =>
    results.reduce((total, result) => total + result[key], 0);
  return {
    totalRequests: sum('totalRequests'),
    passedRequests: sum('passedRequests'),
    totalAssertions: sum('totalAssertions'),
    passedAssertions: sum('passedAssertions'),
  };
}

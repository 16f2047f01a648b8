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

interface BrunoCheck {
  status: string;
  error?: string;
}

interface BrunoRequestResult {
  path: string;
  error?: string | null;
  // Bruno sets `status` to "pass" once the request was sent, whatever its checks said: the checks are the verdict.
  status: string;
  assertionResults?: BrunoCheck[];
  testResults?: BrunoCheck[];
  postResponseTestResults?: BrunoCheck[];
  response?: { status?: number | string };
}

interface BrunoReport {
  results: BrunoRequestResult[];
}

function brunoBin(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@usebruno/cli/package.json');
  return join(dirname(packageJson), 'bin', 'bru.js');
}

/** The folders of the collection, in the order they run; `environments` holds no requests. */
export function listFolders(collectionDir = defaultCollectionDir): string[] {
  return readdirSync(collectionDir)
    .filter((name) => name !== 'environments' && statSync(join(collectionDir, name)).isDirectory())
    .sort();
}

function checksOf(request: BrunoRequestResult): BrunoCheck[] {
  return [
    ...(request.assertionResults ?? []),
    ...(request.testResults ?? []),
    ...(request.postResponseTestResults ?? []),
  ];
}

function failureOf(request: BrunoRequestResult): string | undefined {
  if (request.error) return request.error;
  if (request.status !== 'pass') return `the request ended "${request.status}"`;
  const failed = checksOf(request).find((check) => check.status !== 'pass');
  return failed ? (failed.error ?? 'a check failed') : undefined;
}

function summarise(folder: string, requests: BrunoRequestResult[]): FolderResult {
  const checks = requests.flatMap(checksOf);
  const failures = requests.flatMap((request) => {
    const failure = failureOf(request);
    return failure === undefined
      ? []
      : [`${request.path} (HTTP ${request.response?.status ?? '-'}): ${failure}`];
  });
  return {
    folder,
    totalRequests: requests.length,
    passedRequests: requests.length - failures.length,
    totalAssertions: checks.length,
    passedAssertions: checks.filter((check) => check.status === 'pass').length,
    failures,
  };
}

/**
 * The pause between two requests, as a client's think time. The suite reads anonymously right after its own writes
 * (a list after two new articles), as if one database answered both; from stage 4 on an anonymous read may come
 * from a read replica, a few milliseconds behind the primary (read-your-writes holds for a signed-in writer only).
 * Without a pause such a read sometimes showed the list before the write.
 */
const thinkTimeMs = 100;

/**
 * Runs the official suite against `origin` (without `/api`) in one `bru run` over every folder, in the folders' order,
 * and reports each folder. The collection is vendored and trusted, so its scripts run in Bruno's Node sandbox
 * ("developer"): the default QuickJS sandbox costs about 40 s of CPU per run of the suite on this machine's cores.
 */
export async function runConformance(
  origin: string,
  options: { collectionDir?: string; onFolder?: (result: FolderResult) => void } = {},
): Promise<FolderResult[]> {
  const collectionDir = options.collectionDir ?? defaultCollectionDir;
  const outputDir = mkdtempSync(join(tmpdir(), 'conformance-'));
  const reportFile = join(outputDir, 'report.json');
  try {
    // bru exits non-zero when a request fails; the JSON report is the verdict either way.
    await run(
      process.execPath,
      [
        brunoBin(),
        'run',
        ...listFolders(collectionDir),
        '--sandbox',
        'developer',
        '--delay',
        String(thinkTimeMs),
        '--env',
        'local',
        '--env-var',
        `host=${origin}`,
        '--reporter-json',
        reportFile,
      ],
      { cwd: collectionDir, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
    ).catch(() => undefined);
    let report: BrunoReport;
    try {
      [report] = JSON.parse(readFileSync(reportFile, 'utf8')) as [BrunoReport];
    } catch {
      throw new Error(
        `The Bruno CLI wrote no report for the collection. Run it by hand from ${collectionDir} to see why.`,
      );
    }
    return listFolders(collectionDir).map((folder) => {
      const result = summarise(
        folder,
        report.results.filter((request) => request.path.startsWith(`${folder}/`)),
      );
      options.onFolder?.(result);
      return result;
    });
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
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

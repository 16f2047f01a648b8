import { spawn } from 'node:child_process';

/** The text of one scrape, as Prometheus would get it; fails unless the endpoint answers 200 within 5 s. */
export async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text}`);
  return text;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a scrape in the Prometheus text format (comments skipped). */
export function parseSamples(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = sampleLine.exec(line);
    if (!match) return [];
    const [, name = '', labelText = '', value = ''] = match;
    const labels = Object.fromEntries([...labelText.matchAll(labelPair)].map(([, key, text]) => [key, text]));
    return [{ name, labels: labels as Record<string, string>, value: Number(value) }];
  });
}

/** The sum of the samples named `name` whose labels include every one of `labels`; 0 when there are none. */
export function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  return parseSamples(text)
    .filter((sample) => sample.name === name)
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

/**
 * Runs Prometheus's own `promtool check metrics` on a scrape. Throws when promtool cannot parse it; returns
 * what its linter objects to (naming, help texts), an empty list when nothing.
 */
export async function promtoolProblems(text: string): Promise<string[]> {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('error', (error) =>
      reject(
        new Error(`promtool did not run (${error.message}): run scripts/bootstrap.sh, which installs it.`),
      ),
    );
    child.on('close', (exitCode) => resolve({ code: exitCode, output }));
    child.stdin.end(text);
  });
  // 0: clean; 3: parsed, with lint problems; anything else: not Prometheus text.
  if (code !== 0 && code !== 3)
    throw new Error(`promtool could not parse the metrics (exit ${code}): ${output}`);
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

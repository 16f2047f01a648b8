import { setTimeout as sleep } from 'node:timers/promises';
import { loadPlan, logFile } from '@scaling/stack';
import { logSize, waitForLoggedTraceId } from './nginx-trace-id.ts';
import type { ScrapeTarget } from './prometheus-client.ts';
import { stagePrometheus } from './run-server-series.ts';
import type { ZipkinSpan } from './span-tree.ts';
import { waitForTrace } from './zipkin-trace.ts';

export interface Observation {
  metricsInstance: string;
  metricsUrl: string;
  metricsText: string;
  targets: ScrapeTarget[];
  request: { method: string; path: string; status: number; servedBy: string | null };
  traceId: string;
  zipkinUrl: string;
  spans: ZipkinSpan[];
}

type Output = (line: string) => void;

/** Scrapes a replica, lists Prometheus' targets, sends one traced write through nginx and reads its trace back. */
export async function observeRunningStage(stage: number, output: Output): Promise<Observation> {
  const readySinceMs = Date.now();
  const plan = loadPlan(stage);
  const instance = (name: string) => {
    const found = plan.services.find((service) => service.name === name)?.instances[0];
    if (!found) throw new Error(`Stage ${stage} has no "${name}" service, which this command reads.`);
    return found;
  };
  const replica = instance('app');
  const metricsUrl = `http://127.0.0.1:${replica.env.METRICS_PORT}/metrics`;
  output(`Reading ${replica.name}'s metrics at ${metricsUrl}...`);
  const metricsText = await fetchText(metricsUrl);
  const targets = await scrapedTargets(stage, readySinceMs, output);
  const nginx = instance('nginx');
  const baseUrl = `http://127.0.0.1:${nginx.ports[0]?.host}`;
  const zipkinUrl = `http://127.0.0.1:${instance('zipkin').ports[0]?.host}`;
  const nginxLog = logFile(plan.stage.stateDir, nginx.name);
  const token = await register(baseUrl);
  const fromByte = logSize(nginxLog);
  const request = await postArticle(baseUrl, token);
  output(
    `POST /api/articles through nginx: ${request.status}, served by ${request.servedBy ?? 'an unnamed replica'}`,
  );
  const traceId = await waitForLoggedTraceId({ logFile: nginxLog, fromByte, ...request });
  output(`nginx logged trace=${traceId}; waiting for its spans in Zipkin (${zipkinUrl})...`);
  const spans = await waitForTrace({ zipkinUrl, traceId, output });
  return {
    metricsInstance: replica.name,
    metricsUrl,
    metricsText,
    targets,
    request,
    traceId,
    zipkinUrl,
    spans,
  };
}

/**
 * The targets once Prometheus has scraped each since `readySinceMs` (the stage fully up): a target scraped while it
 * was still starting (Zipkin takes seconds) says "down" until its next scrape, which would blame a healthy stage.
 */
async function scrapedTargets(stage: number, readySinceMs: number, output: Output): Promise<ScrapeTarget[]> {
  const prometheus = stagePrometheus(stage);
  if (!prometheus) throw new Error(`Stage ${stage} has no "prometheus" service to read the targets from.`);
  output(`Reading the scrape targets at ${prometheus.url}/api/v1/targets...`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const targets = await prometheus.targets();
    const stale = targets.filter((target) => target.lastScrapeMs < readySinceMs);
    if (stale.length === 0 || Date.now() > deadline) return targets;
    output(
      `${stale.length} of ${targets.length} targets not scraped since the stage was up; waiting for the next scrape...`,
    );
    await sleep(2_000);
  }
}

async function fetchText(url: string, init: RequestInit = {}): Promise<string> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

/** A fresh user per run, so that the command needs no seeded data. */
async function register(baseUrl: string): Promise<string> {
  const name = `observer${Date.now()}`;
  const body = JSON.stringify({
    user: { username: name, email: `${name}@example.com`, password: 'observe-123456' },
  });
  const text = await fetchText(`${baseUrl}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return (JSON.parse(text) as { user: { token: string } }).user.token;
}

async function postArticle(baseUrl: string, token: string): Promise<Observation['request']> {
  const path = '/api/articles';
  const article = {
    title: `Observed ${new Date().toISOString()}`,
    description: 'traced',
    body: 'One traced write.',
  };
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Token ${token}` },
    body: JSON.stringify({ article }),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`POST ${path} answered ${response.status} instead of 201: ${text.slice(0, 300)}`);
  }
  return { method: 'POST', path, status: response.status, servedBy: response.headers.get('x-served-by') };
}

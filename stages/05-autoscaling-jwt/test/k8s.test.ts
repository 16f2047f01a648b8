import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDrainSwitch } from '@scaling/app-kit';
import { testAppEnvironment } from '@scaling/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const stageDirectory = fileURLToPath(new URL('..', import.meta.url));
const checkerSource = fileURLToPath(new URL('../../../scripts/k8s-check', import.meta.url));
const checker = fileURLToPath(new URL('../../../.tools/bin/k8s-check', import.meta.url));

/** The hash bootstrap records beside the binary: go.mod, go.sum and the .go files, in name order. */
function checkerSourceHash(): string {
  const files = [
    'go.mod',
    'go.sum',
    ...readdirSync(checkerSource)
      .filter((name) => name.endsWith('.go'))
      .sort(),
  ];
  const hash = createHash('sha1');
  for (const file of files) hash.update(readFileSync(join(checkerSource, file)));
  return hash.digest('hex');
}

function assertCheckerBuilt(): void {
  if (!existsSync(checker)) {
    throw new Error('k8s-check is not built: run `make bootstrap`, which builds it into .tools/bin.');
  }
  if (readFileSync(`${checker}.source-sha1`, 'utf8').trim() !== checkerSourceHash()) {
    throw new Error(
      '.tools/bin/k8s-check is older than scripts/k8s-check: run `make bootstrap` to build it again.',
    );
  }
}

let workspace: string;
let openApiDocument: string;

/** A copy of the stage's manifests and compose file that a test may change, in a folder of its own. */
function copyOfStage(): { manifests: string; compose: string } {
  const copy = mkdtempSync(join(workspace, 'stage-'));
  cpSync(join(stageDirectory, 'k8s'), join(copy, 'k8s'), { recursive: true });
  cpSync(join(stageDirectory, 'docker-compose.yml'), join(copy, 'docker-compose.yml'));
  return { manifests: join(copy, 'k8s'), compose: join(copy, 'docker-compose.yml') };
}

/** Replaces text that must be in the file, so that a test cannot pass because its change matched nothing. */
function edit(file: string, from: string, to: string): void {
  const content = readFileSync(file, 'utf8');
  expect(content, `${file} should contain ${from}`).toContain(from);
  writeFileSync(file, content.replace(from, to));
}

function check({ manifests, compose }: { manifests: string; compose: string }) {
  const result = spawnSync(checker, ['--compose', compose, '--openapi', openApiDocument, manifests], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: result.stdout + result.stderr };
}

beforeAll(async () => {
  assertCheckerBuilt();
  workspace = mkdtempSync(join(tmpdir(), 'k8s-check-'));
  // The probe paths are checked against the routes of the stage's own app, as its OpenAPI document lists them.
  const app = await buildApp(
    loadConfig(
      testAppEnvironment({
        IDEMPOTENCY_SECRET: 'test-idempotency-secret-of-32-characters',
        JWT_KEY_ENCRYPTION_SECRET: 'test-jwt-key-encryption-secret',
      }),
    ),
    createDrainSwitch(),
  );
  try {
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    openApiDocument = join(workspace, 'openapi.json');
    writeFileSync(openApiDocument, response.body);
  } finally {
    await app.close();
  }
});

afterAll(() => {
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('stage 5 Kubernetes manifests, checked offline by k8s-check', () => {
  it("When the stage's manifests are checked against its compose file and its API, then every document passes", () => {
    const { status, output } = check(copyOfStage());

    expect(output).not.toMatch(/^fail /m);
    expect(output).toMatch(/^ok Deployment\/app$/m);
    expect(output).toMatch(/^ok HorizontalPodAutoscaler\/app$/m);
    expect(output).toMatch(/^ok PodDisruptionBudget\/app$/m);
    expect(output).toMatch(/^ok Deployment\/worker$/m);
    expect(status).toBe(0);
  });

  it('When a manifest has a field its Kubernetes type does not have, then the strict decoding fails it', () => {
    const stage = copyOfStage();
    edit(
      join(stage.manifests, '30-app-deployment.yaml'),
      'terminationGracePeriodSeconds:',
      'terminationGracePeriod:',
    );

    const { status, output } = check(stage);

    expect(output).toMatch(
      /^fail Deployment\/app in .*: does not decode as apps\/v1 Deployment: unknown field "terminationGracePeriod"$/m,
    );
    expect(status).toBe(1);
  });

  it('When the readiness probe asks a path the API does not serve, then the app Deployment fails with that path', () => {
    const stage = copyOfStage();
    edit(join(stage.manifests, '30-app-deployment.yaml'), 'path: /api/ready', 'path: /api/readiness');

    const { status, output } = check(stage);

    expect(output).toContain(
      "fail Deployment/app: readinessProbe path /api/readiness: the stage's readiness route is /api/ready",
    );
    expect(output).toContain(
      'fail Deployment/app: readinessProbe path /api/readiness is not a GET route of the API',
    );
    expect(status).toBe(1);
  });

  it("When the HPA's CPU target differs from the autoscaler's threshold, then the HPA fails with both values", () => {
    const stage = copyOfStage();
    edit(join(stage.manifests, '32-app-hpa.yaml'), 'averageUtilization: 70', 'averageUtilization: 80');

    const { status, output } = check(stage);

    expect(output).toContain('fail HorizontalPodAutoscaler/app: cpu averageUtilization is 80: set 70');
    expect(status).toBe(1);
  });

  it("When the compose file changes the autoscaler's scale-in window, then the unchanged HPA fails: its values come from compose", () => {
    const stage = copyOfStage();
    edit(
      stage.compose,
      'AUTOSCALER_SCALE_IN_WINDOW_SECONDS: "300"',
      'AUTOSCALER_SCALE_IN_WINDOW_SECONDS: "600"',
    );

    const { status, output } = check(stage);

    expect(output).toContain(
      'fail HorizontalPodAutoscaler/app: behavior.scaleDown.stabilizationWindowSeconds is 300: set 600 (AUTOSCALER_SCALE_IN_WINDOW_SECONDS in compose)',
    );
    expect(status).toBe(1);
  });

  it("When compose changes a setting the app's ConfigMap copies (the heap size), then the app Deployment fails with both values", () => {
    const stage = copyOfStage();
    edit(stage.compose, '--max-old-space-size=96', '--max-old-space-size=80');

    const { status, output } = check(stage);

    expect(output).toContain(
      'fail Deployment/app: env NODE_OPTIONS is "--max-old-space-size=96 --max-semi-space-size=4" in ConfigMap/app-config, compose service app sets "--max-old-space-size=80 --max-semi-space-size=4"',
    );
    expect(status).toBe(1);
  });

  it("When the manifests read keys of a Secret, then k8s/README.md's kubectl create secret command sets exactly those keys", () => {
    const manifests = join(stageDirectory, 'k8s');
    const referenced = new Map<string, Set<string>>();
    for (const file of readdirSync(manifests).filter((name) => name.endsWith('.yaml'))) {
      const yaml = readFileSync(join(manifests, file), 'utf8');
      for (const [, secret = '', key = ''] of yaml.matchAll(/secretKeyRef:\s+name: (\S+)\s+key: (\S+)/g)) {
        referenced.set(secret, (referenced.get(secret) ?? new Set()).add(key));
      }
    }
    const readme = readFileSync(join(manifests, 'README.md'), 'utf8');
    const documented = new Map<string, Set<string>>();
    for (const [command, secret = ''] of readme.matchAll(
      /kubectl create secret generic (\S+)(?:.*\\\n)+.*/g,
    )) {
      documented.set(
        secret,
        new Set([...command.matchAll(/--from-literal=(\w+)=/g)].map(([, key = '']) => key)),
      );
    }

    expect(referenced.size).toBeGreaterThan(0);
    expect(documented).toEqual(referenced);
  });
});

import { loadPlan, stackStatus } from '@scaling/stack';
import { type Answer, ask, buildUser, useNativeStage } from '@scaling/testing';
import { expect } from 'vitest';

/**
 * Stage 5 booted natively once for all its test files (they leave it as they found it), with the autoscaler's clock
 * 40 times faster (docker-compose.fast-scaling.yml), so a scale-out and the way back fit in a test.
 */
export function useStage5(): { apiUrl: () => string } {
  // Login counts live in the Redis: the next stage's files must not inherit them.
  return useNativeStage(5, { shared: true, variant: 'fast-scaling', volumes: true });
}

export interface SignedIn {
  username: string;
  token: string;
  refreshToken: string;
}

/** Registers a new user through the edge; its access token and refresh token. */
export async function signUp(apiUrl: string): Promise<SignedIn> {
  const registered = await ask<{ user: SignedIn }>(apiUrl, '/users', {
    method: 'POST',
    body: { user: buildUser() },
  });
  expect(registered.status).toBe(201);
  return registered.body.user;
}

/** Exchanges a refresh token through the edge. */
export function refresh(apiUrl: string, refreshToken: string): Promise<Answer<{ user: SignedIn }>> {
  return ask(apiUrl, '/users/refresh', { method: 'POST', body: { user: { refreshToken } } });
}

/** The app replicas running and ready now, as the native runner reports them. */
export async function readyAppReplicas(): Promise<string[]> {
  const statuses = await stackStatus(5);
  return statuses
    .filter((status) => status.service === 'app' && status.state === 'ready')
    .map((status) => status.instance);
}

/** Where the autoscaler serves /metrics natively. */
export function autoscalerMetricsUrl(): string {
  const instance = loadPlan(5).services.find((service) => service.name === 'autoscaler')?.instances[0];
  if (!instance) throw new Error("Stage 5's compose file lost its autoscaler service.");
  return `http://${instance.env.HOST}:${instance.env.METRICS_PORT}/metrics`;
}

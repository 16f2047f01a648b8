import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCompose, planStack, stackDown, stackStartService, stackStatus, stackUp } from '../src/index.ts';
import { activeProfiles } from '../src/profiles.ts';
import { fixtureStage, fixturesDir } from './support/fixture-stage.ts';

const composeFile = join(fixturesDir, 'profiles', 'docker-compose.yml');

/** The state of each instance of a fixture stage, by name. */
async function states(stage: ReturnType<typeof fixtureStage>): Promise<Record<string, string>> {
  const statuses = await stackStatus(stage, { output: () => {} });
  return Object.fromEntries(statuses.map((status) => [status.instance, status.state]));
}

describe('compose profiles in the native runner', () => {
  const stages: ReturnType<typeof fixtureStage>[] = [];
  const freshStage = () => {
    const stage = fixtureStage(composeFile, 'profiles');
    stages.push(stage);
    return stage;
  };

  afterEach(async () => {
    for (const stage of stages.splice(0)) {
      await stackDown(stage, { output: () => {} });
      stage.remove();
    }
  }, 30_000);

  it('When COMPOSE_PROFILES lists profiles, then they are active beside the ones given, blanks ignored', () => {
    expect([...activeProfiles(['reshard'], { COMPOSE_PROFILES: 'debug, ,extra' })].sort()).toEqual([
      'debug',
      'extra',
      'reshard',
    ]);
    expect(activeProfiles([], {}).size).toBe(0);
  });

  it('When the stack comes up without the profile, then its service is planned but not started, until it is named', async () => {
    const stage = freshStage();
    const lines: string[] = [];
    const plan = planStack(loadCompose(composeFile), stage);

    await stackUp(stage, { output: (line) => lines.push(line), readyTimeoutMs: 20_000 });
    const afterUp = await states(stage);
    await stackStartService(stage, 'extra', { output: () => {}, readyTimeoutMs: 20_000 });

    expect(plan.services.map((service) => [service.name, service.profiles])).toEqual([
      ['always', []],
      ['extra', ['extra']],
    ]);
    expect(afterUp).toEqual({ always: 'ready', extra: 'stopped' });
    expect(lines).toContain(
      `extra: not started, profile extra (COMPOSE_PROFILES=extra or "pnpm stack start profiles extra" starts it)`,
    );
    expect(await states(stage)).toEqual({ always: 'ready', extra: 'ready' });
  }, 60_000);

  it('When the stack comes up with the profile, then its service starts with the others', async () => {
    const stage = freshStage();

    await stackUp(stage, { output: () => {}, profiles: ['extra'], readyTimeoutMs: 20_000 });

    expect(await states(stage)).toEqual({ always: 'ready', extra: 'ready' });
  }, 60_000);
});

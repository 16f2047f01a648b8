import { stackKill, stackServiceStatus, stackWaitReady } from '@scaling/stack';
import type { DrillCheck } from '../drill-report.ts';
import type { Drill } from '../experiment.ts';
import { type EventFaultTools, eventDrill } from './event-delivery.ts';

const kills = 3;
const events: [number, number] = [10_000, 2_000];
// About half of what the load-test variant's three shards (0.1 of a CPU each) answer: the fault under test is the
// kill, not an overload (at 100/s, with other work on the machine, writes timed out).
const writesPerSecond = 60;

/** SIGKILL to `service` at a quarter, half and three quarters of the writes; the supervisor restarts it each time. */
function killThrice(stage: number, service: string) {
  return async ({ mark, at, output }: EventFaultTools) => {
    const pids: (number | null)[] = [(await stackServiceStatus(stage, service)).pid];
    for (let kill = 1; kill <= kills; kill++) {
      await at(kill / (kills + 1));
      await stackKill(stage, service, { signal: 'SIGKILL', output });
      mark(`SIGKILL ${kill} to ${service}`);
      await stackWaitReady(stage, service, { readyTimeoutMs: 60_000 });
      mark(`${service} ready again (${kill})`);
      pids.push((await stackServiceStatus(stage, service)).pid);
    }
    return { [`${service} pids, first to last`]: pids.join(' → ') };
  };
}

function restartedEachTime(service: string) {
  return (facts: Record<string, unknown>): DrillCheck[] => {
    const pids = String(facts[`${service} pids, first to last`] ?? '').split(' → ');
    return [
      {
        name: `${service} was killed ${kills} times and came back as a new process each time`,
        passed: pids.length === kills + 1 && new Set(pids).size === kills + 1 && !pids.includes('null'),
        detail: `pids ${pids.join(' → ')}.`,
      },
    ];
  };
}

function processKillDrill(name: string, service: string, what: string): Drill {
  const title = `The ${what} is killed (SIGKILL) ${kills} times under writes`;
  const description =
    `Stage 6 (load-test variant: sign-up limits lifted). ${events[0].toLocaleString('en-US')} events from writes ` +
    `through the API (writers registered first, then the write-heavy mix at ${writesPerSecond}/s, open model); ` +
    `\`${service}\` gets SIGKILL at a quarter, half and three quarters of the writes and its supervisor restarts ` +
    'it. Then every outbox row must be published and the notifications consumer caught up; the events the ' +
    'outboxes hold must equal the events the consumer recorded, and the notifications owed those found, none twice.';
  return eventDrill(name, {
    title,
    description,
    events,
    writesPerSecond,
    inject: (stage) => killThrice(stage, service),
    faultChecks: restartedEachTime(service),
  });
}

export const relayKill = processKillDrill('relay-kill', 'relay', 'outbox relay');
export const consumerKill = processKillDrill('consumer-kill', 'notifications', 'notifications consumer');

import { addShard } from '../drills/add-shard.ts';
import { brokerRestart } from '../drills/broker-restart.ts';
import { poisonMessage } from '../drills/poison-message.ts';
import { consumerKill, relayKill } from '../drills/process-kills.ts';
import type { StageBenchmark } from '../experiment.ts';
import { keysMoved } from '../experiments/keys-moved.ts';
import { notificationsOutage } from '../experiments/notifications-outage.ts';
import { onePrimary, threeShards } from '../experiments/sharding-columns.ts';
import { writeThroughput } from '../experiments/write-throughput.ts';

/**
 * Stage 6 against stage 5 on writes: the write-heavy mix on one primary and on three shards, each server held to the
 * same CPU quota; the data a fourth shard moves (ring against modulo, on the seed's authors); the notifications
 * service stopped under writes. The drills kill the relay and the consumer, restart the broker, poison the topic,
 * and add a fourth shard under writes (packages/resharding).
 */
export const stage06: StageBenchmark = {
  stage: 6,
  columns: [onePrimary, threeShards],
  experiments: [writeThroughput, keysMoved, notificationsOutage],
  drills: [relayKill, consumerKill, brokerRestart, poisonMessage, addShard],
};

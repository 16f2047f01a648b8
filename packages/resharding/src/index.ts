export { type AddShardOptions, type AddShardReport, addShard } from './add-shard.ts';
export { type MovedTable, movedTables } from './author-rows.ts';
export { type CleanUpOptions, cleanUpMoved } from './clean-up.ts';
export { ReshardingError, type ReshardingErrorCode } from './errors.ts';
export { type AuthorMove, type MovedAuthor, type MoveOptions, moveAuthor } from './move-author.ts';
export { type AuthorOnShard, authorsOnShards, planMoves } from './plan.ts';
export { poolOf, type ShardPools } from './shard-pools.ts';
export { countShardRows, type ShardRowCounts } from './shard-row-counts.ts';
export { type ReshardStageOptions, reshardStage, stageDatabases } from './stage-reshard.ts';

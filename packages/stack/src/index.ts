export { initCluster, type PostgresCluster, postgresCommand, startChildPostgres, superuserUrl, waitForPostgres } from './postgres.ts';

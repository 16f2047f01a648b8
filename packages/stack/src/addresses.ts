import type { StackPlan } from './plan.ts';
import { superuserUrl } from './postgres.ts';

// Where the clients of a stage (CLIs, tests, the bench) connect natively: read from its plan, so they follow the
// compose file, STACK_HTTP_PORT and the environment's passwords instead of repeating addresses.

/** The API's origin, `http://127.0.0.1:<HTTP port>`. */
export function apiOrigin(plan: StackPlan): string {
  return `http://127.0.0.1:${plan.httpPort}`;
}

/** What a service of the stage (the app by default) connects to: Postgres or PgBouncer, as its own role. */
export function appDatabaseUrl(plan: StackPlan, service = 'app'): string {
  const url = plan.services.find((candidate) => candidate.name === service)?.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      `Stage ${plan.stage.name} has no service "${service}" with a DATABASE_URL to connect to.`,
    );
  }
  return url;
}

/** The stage's own Postgres, directly and as the schema's owner: for seeding, migrations and inspection. */
export function ownerDatabaseUrl(plan: StackPlan): string {
  const cluster = plan.services.find((service) => service.postgres)?.postgres;
  if (!cluster) throw new Error(`Stage ${plan.stage.name} runs no Postgres of its own.`);
  // The image's POSTGRES_USER is the cluster's superuser and the schema's owner.
  return superuserUrl(cluster, cluster.database);
}

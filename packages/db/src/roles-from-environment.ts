import { appRoleHolder } from './app-role.ts';
import type { LoginRole, LoginRoleHolder } from './login-role.ts';
import type { MigrationRoles } from './migrate.ts';
import { monitorRoleHolder } from './monitor-role.ts';
import { replicationRoleHolder } from './replication-role.ts';

// The application's own role (DML only), the Postgres exporter's (pg_monitor only), the replicas' (REPLICATION only).
const holders = {
  appRole: appRoleHolder,
  monitorRole: monitorRoleHolder,
  replicationRole: replicationRoleHolder,
};

/** The roles a migration run creates, read from the environment, and a phrase naming each ("the application role "x""). */
export interface EnvironmentRoles {
  roles: MigrationRoles;
  ready: string[];
}

/**
 * The roles whose `<PREFIX>_DATABASE_USER` is set, each with its password. Throws, saying what to set, when a user
 * comes without a password, or when NODE_ENV is production and a password (or `databaseUrlVariables`' value) is one
 * of the local demo values published with this repository.
 */
export function migrationRolesFromEnvironment(
  env: NodeJS.ProcessEnv,
  databaseUrlVariables: readonly string[] = ['DATABASE_URL'],
): EnvironmentRoles {
  if (env.NODE_ENV === 'production') {
    const demo = [
      ...databaseUrlVariables,
      ...Object.values(holders).map((holder) => holder.passwordVariable),
    ].filter((name) => env[name]?.includes('local-demo-only'));
    if (demo.length > 0) {
      throw new Error(
        `NODE_ENV is production, but ${demo.join(', ')} ${demo.length === 1 ? 'holds' : 'hold'} a local demo value (published with this ` +
          'repository). Set your own passwords (see .env.example) and run again.',
      );
    }
  }
  const roles: MigrationRoles = {};
  const ready: string[] = [];
  for (const [option, holder] of Object.entries(holders) as [keyof MigrationRoles, LoginRoleHolder][]) {
    const role = roleFromEnvironment(env, holder);
    if (!role) continue;
    roles[option] = role;
    ready.push(`the ${holder.kind} role "${role.name}"`);
  }
  return { roles, ready };
}

/** The role its variables name, created or updated with the password from the environment; none when unset. */
function roleFromEnvironment(env: NodeJS.ProcessEnv, holder: LoginRoleHolder): LoginRole | undefined {
  const name = env[holder.userVariable];
  const password = env[holder.passwordVariable] ?? '';
  if (name && !password) {
    throw new Error(
      `${holder.userVariable} is "${name}" but ${holder.passwordVariable} is not set: set both, or neither.`,
    );
  }
  return name ? { name, password } : undefined;
}

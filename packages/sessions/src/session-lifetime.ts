export interface SessionLifetime {
  /** How long a session lives without being used; every authenticated request starts the period again. */
  idleTtlSeconds?: number;
  /** How long a session lives after its login at most, however often it is used. */
  absoluteTtlSeconds?: number;
}

/** A week: a user who comes back within a week stays logged in; an abandoned token expires on its own. */
export const defaultSessionIdleTtlSeconds = 7 * 24 * 60 * 60;

/**
 * 30 days: the usual "remember me" span of a low-risk site such as a blog. A stolen token that is used every day
 * (which the idle limit cannot end) still stops working 30 days after the login that made it.
 */
export const defaultSessionAbsoluteTtlSeconds = 30 * 24 * 60 * 60;

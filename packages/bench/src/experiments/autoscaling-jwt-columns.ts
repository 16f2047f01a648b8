import type { Column } from '../experiment.ts';

// Stage 5 booted the ways its compose variants allow (stages/05-autoscaling-jwt/docker-compose.<variant>.yml): the
// autoscaler acting fast, the autoscaler deciding without acting, and stage 4's Redis sessions instead of JWTs.

/** The autoscaler in dry run: the minimum of replicas whatever the load (AUTOSCALER_DRY_RUN=true). */
export const fixedMinimum: Column = { label: 'fixed minimum', stage: 5, boot: { variant: 'fixed' } };

/** The autoscaler acting, its windows and cooldowns divided by the variant's AUTOSCALER_TIME_SCALE. */
export const autoscaled: Column = { label: 'autoscaler', stage: 5, boot: { variant: 'fast-scaling' } };

/** JWT access tokens, the stage as shipped: a boot of its own, as fresh as the Redis sessions' column. */
export const jwtTokens: Column = { label: 'JWT', stage: 5 };

/** Stage 4's opaque tokens looked up in the session Redis (AUTH_TOKENS=sessions). */
export const redisSessions: Column = { label: 'Redis sessions', stage: 5, boot: { variant: 'sessions' } };
